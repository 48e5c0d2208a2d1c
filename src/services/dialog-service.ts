import { ApiError, invalidParameter, jobGroupNotFound } from '../domain/errors.ts';
import { BUILTIN_VARIABLES, FlowError, isEmptyDefinition, parseFlow, type FlowVariable } from '../dialog/flow.ts';
import { checkKeywordPatterns } from '../dialog/keyword-patterns.ts';
import { nluFor, builtinNlu } from '../dialog/nlu-engines.ts';
import { DialogSession, variableValues, type BotStep, type SessionState } from '../dialog/runtime.ts';
import {
  compileScript,
  contentOf,
  contentOfSnapshot,
  itemsOf,
  type FlowItem,
  type IntentItem,
  type QuestionItem,
  type ScriptContent,
} from '../dialog/script-content.ts';
import { scriptFileDataUrl, scriptFileFromUrl } from '../dialog/script-file-url.ts';
import type { ScriptItemKind, ScriptItemRow } from '../store/dialog-store.ts';
import type { Page, PageRequest, ScriptRow } from '../store/rows.ts';
import type { InstanceService } from './instance-service.ts';
import { pageOf } from './paging.ts';
import type { ScriptService } from './script-service.ts';
import { checkContent, invalidFlow } from './script-check.ts';
import type { ServiceDeps } from './service-deps.ts';

const NOT_FOUND: Record<ScriptItemKind, () => ApiError> = {
  flow: () => new ApiError('NotExist.DialogueFlow'),
  intent: () => new ApiError('NotExist.Intent'),
  question: () => new ApiError('NotExist.GlobalQuestion'),
};
const DUPLICATE: Record<ScriptItemKind, string> = { flow: 'dialogue flow', intent: 'intent', question: 'global question' };

/** What an item's body must satisfy before it is stored: an intent's /regex/ keywords compile and run in linear time. */
function checkBody(kind: ScriptItemKind, body: Record<string, unknown>): void {
  if (kind === 'intent' && Array.isArray(body.keywords)) checkKeywordPatterns(body.keywords);
}

/** ListIntents' keyword filter: part of the name, an utterance or a keyword. */
function containsKeyword(item: ScriptItemRow, keyword: string): boolean {
  return item.name.includes(keyword) || JSON.stringify([item.body.utterances, item.body.keywords]).includes(keyword);
}

/** The portable file ExportScript writes and ImportScript reads. */
export interface ScriptFile {
  format: 'outboundbot-script';
  formatVersion: 1;
  script: Pick<ScriptRow, 'name' | 'description' | 'industry' | 'scene' | 'nluEngine' | 'nluAccessType' | 'settings'>;
  dialog: ScriptContent;
}

/** How long a Dialogue trial is kept without a turn. */
const TRIAL_IDLE_MS = 24 * 3_600_000;


/**
 * A script's content (dialogue flows, intents, global questions) as its draft, the
 * versions frozen from it, and trying it out (Dialogue). Every call checks that the
 * instance belongs to the caller's account and the script to the instance.
 */
export class DialogService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
    private readonly scripts: ScriptService,
  ) {}

  // Draft items ---------------------------------------------------------------------

  async createItem(accountId: string, instanceId: string, scriptId: string, kind: ScriptItemKind, name: string, body: Record<string, unknown>): Promise<ScriptItemRow> {
    checkBody(kind, body);
    await this.scripts.require(accountId, instanceId, scriptId);
    const now = this.deps.clock.now();
    const item: ScriptItemRow = { id: this.deps.ids.next(), scriptId, instanceId, kind, name, body, createdAt: now, updatedAt: now };
    if (!(await this.deps.store.dialog.insertScriptItem(item))) throw new ApiError('Duplicate.Name', `A ${DUPLICATE[kind]} named "${name}" already exists in this script.`);
    await this.markDrafted(instanceId, scriptId);
    return item;
  }

  async requireItem(accountId: string, instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<ScriptItemRow> {
    await this.scripts.require(accountId, instanceId, scriptId);
    const item = await this.deps.store.dialog.findScriptItem(instanceId, scriptId, kind, id);
    if (!item) throw NOT_FOUND[kind]();
    return item;
  }

  async listItems(accountId: string, instanceId: string, scriptId: string, kind: ScriptItemKind): Promise<ScriptItemRow[]> {
    await this.scripts.require(accountId, instanceId, scriptId);
    return this.deps.store.dialog.listScriptItems(instanceId, scriptId, kind);
  }

  /** One page of the draft's items of `kind`; with `keyword`, those whose name or texts contain it. */
  async pageItems(accountId: string, instanceId: string, scriptId: string, kind: ScriptItemKind, page: PageRequest, keyword?: string): Promise<Page<ScriptItemRow>> {
    const items = await this.listItems(accountId, instanceId, scriptId, kind);
    return pageOf(keyword ? items.filter((item) => containsKeyword(item, keyword)) : items, page);
  }

  async modifyItem(accountId: string, instanceId: string, scriptId: string, kind: ScriptItemKind, id: string, change: { name?: string; body: Record<string, unknown> }): Promise<ScriptItemRow> {
    checkBody(kind, change.body);
    const current = await this.requireItem(accountId, instanceId, scriptId, kind, id);
    const updated: ScriptItemRow = { ...current, name: change.name ?? current.name, body: { ...current.body, ...change.body }, updatedAt: this.deps.clock.now() };
    if (!(await this.deps.store.dialog.updateScriptItem(updated))) throw new ApiError('Duplicate.Name', `A ${DUPLICATE[kind]} named "${updated.name}" already exists in this script.`);
    await this.markDrafted(instanceId, scriptId);
    return updated;
  }

  async deleteItem(accountId: string, instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<void> {
    await this.scripts.require(accountId, instanceId, scriptId);
    if (!(await this.deps.store.dialog.deleteScriptItem(instanceId, scriptId, kind, id))) throw NOT_FOUND[kind]();
    await this.markDrafted(instanceId, scriptId);
  }

  /** Saves a flow's definition after checking it on its own (graph, variables); intents are checked at publish. */
  async saveFlowDefinition(accountId: string, instanceId: string, scriptId: string, flowId: string, definition: unknown): Promise<ScriptItemRow> {
    const flow = await this.requireItem(accountId, instanceId, scriptId, 'flow', flowId);
    if (!isEmptyDefinition(definition)) {
      try {
        parseFlow(flow.name, definition);
      } catch (error) {
        if (error instanceof FlowError) throw invalidFlow(error);
        throw error;
      }
    }
    return this.modifyItem(accountId, instanceId, scriptId, 'flow', flowId, { body: { definition } });
  }

  /** The variables a script's texts may use: the built-in ones and those its flows declare. */
  async variables(accountId: string, instanceId: string, scriptId: string, sandbox: boolean): Promise<FlowVariable[]> {
    const script = await this.scripts.require(accountId, instanceId, scriptId);
    const content = await this.contentFor(script, sandbox ? 'draft' : 'published');
    const found = new Map(BUILTIN_VARIABLES.map((v) => [v.name, v]));
    for (const flow of content.flows) {
      const declared = (flow.definition as { variables?: unknown } | null)?.variables;
      if (!Array.isArray(declared)) continue;
      for (const v of declared) {
        const variable = typeof v === 'string' ? { name: v } : (v as FlowVariable);
        if (variable && typeof variable.name === 'string' && !found.has(variable.name)) found.set(variable.name, variable);
      }
    }
    return [...found.values()];
  }

  // Whole scripts ---------------------------------------------------------------------

  async exportScript(accountId: string, instanceId: string, scriptId: string): Promise<ScriptFile> {
    const script = await this.scripts.require(accountId, instanceId, scriptId);
    const { name, description, industry, scene, nluEngine, nluAccessType, settings } = script;
    return {
      format: 'outboundbot-script',
      formatVersion: 1,
      script: { name, description, industry, scene, nluEngine, nluAccessType, settings },
      dialog: contentOf(await this.deps.store.dialog.listScriptItems(instanceId, scriptId)),
    };
  }

  /** ExportScript's answer: the script file as a data: URL. */
  async exportScriptUrl(accountId: string, instanceId: string, scriptId: string): Promise<string> {
    return scriptFileDataUrl(await this.exportScript(accountId, instanceId, scriptId));
  }

  /** ImportScript: the file a data: URL (or the file's JSON) carries. */
  async importScriptUrl(accountId: string, instanceId: string, signatureUrl: string, nluEngine: string | undefined): Promise<ScriptRow> {
    return this.importScript(accountId, instanceId, scriptFileFromUrl(signatureUrl), nluEngine);
  }

  async importScript(accountId: string, instanceId: string, file: unknown, nluEngine: string | undefined): Promise<ScriptRow> {
    const parsed = readScriptFile(file);
    const engine = nluEngine ?? parsed.script.nluEngine;
    checkNames(parsed.dialog);
    for (const flow of parsed.dialog.flows) {
      if (isEmptyDefinition(flow.definition)) continue;
      try {
        parseFlow(flow.name, flow.definition);
      } catch (error) {
        if (error instanceof FlowError) throw invalidFlow(error);
        throw error;
      }
    }
    const script = await this.scripts.create(accountId, instanceId, { ...parsed.script, nluEngine: engine });
    await this.deps.store.dialog.replaceScriptItems(instanceId, script.id, itemsOf(parsed.dialog, script.id, instanceId, this.deps.clock.now(), () => this.deps.ids.next()));
    return script;
  }

  async duplicateScript(accountId: string, instanceId: string, sourceScriptId: string, name: string): Promise<ScriptRow> {
    const source = await this.scripts.require(accountId, instanceId, sourceScriptId);
    const copy = await this.scripts.create(accountId, instanceId, { ...source, name });
    const content = contentOf(await this.deps.store.dialog.listScriptItems(instanceId, sourceScriptId));
    await this.deps.store.dialog.replaceScriptItems(instanceId, copy.id, itemsOf(content, copy.id, instanceId, this.deps.clock.now(), () => this.deps.ids.next()));
    return copy;
  }

  /** Makes a published version the draft again (settings and content); publishing it makes a new version. */
  async rollbackScript(accountId: string, instanceId: string, scriptId: string, version: string): Promise<void> {
    const script = await this.scripts.require(accountId, instanceId, scriptId);
    const snapshot = await this.deps.store.dialog.findScriptSnapshot(instanceId, scriptId, version);
    if (!snapshot) throw new ApiError('NotExist.ScriptVersion', `The script has no published version "${version}".`);
    const frozen = snapshot as Partial<ScriptRow>;
    await this.deps.store.updateScript({
      ...script,
      name: frozen.name ?? script.name,
      description: frozen.description ?? script.description,
      industry: frozen.industry ?? script.industry,
      scene: frozen.scene ?? script.scene,
      nluAccessType: frozen.nluAccessType ?? script.nluAccessType,
      settings: frozen.settings ?? script.settings,
      isDrafted: true,
      updatedAt: this.deps.clock.now(),
    });
    const content = contentOfSnapshot(snapshot) ?? { flows: [], intents: [], questions: [] };
    await this.deps.store.dialog.replaceScriptItems(instanceId, scriptId, itemsOf(content, scriptId, instanceId, this.deps.clock.now()));
  }

  // Trying a script (Dialogue) ---------------------------------------------------------

  /**
   * One turn of a trial conversation. The first request of a CallId starts the
   * script (its utterance is not heard: the bot speaks first); later ones hear the
   * utterance. CallType `Sandbox` runs the draft, anything else the published version
   * (the draft when never published).
   */
  async dialogue(accountId: string, instanceId: string, input: { scriptId: string; callId: string; callType: string; calledNumber: string; utterance: string }): Promise<BotStep> {
    const script = await this.scripts.require(accountId, instanceId, input.scriptId);
    const { dialog } = this.deps.store;
    const now = this.deps.clock.now();
    const trial = await dialog.findTrial(instanceId, input.scriptId, input.callId);
    if (!trial) {
      const useDraft = input.callType.toLowerCase() === 'sandbox' || !script.publishedVersion;
      const content = await this.contentFor(script, useDraft ? 'draft' : 'published');
      const compiled = checkContent(content, script.nluEngine);
      if (!compiled) throw invalidParameter('ScriptId', 'the script has no dialogue flow to talk with');
      const values = variableValues({ phoneNumber: input.calledNumber }, []);
      const session = new DialogSession(compiled, values, nluFor(compiled.nluEngine), builtinNlu);
      const opening = session.start();
      await dialog.purgeTrials(now - TRIAL_IDLE_MS);
      await dialog.saveTrial({
        instanceId,
        scriptId: input.scriptId,
        callId: input.callId,
        nluEngine: script.nluEngine,
        content: content as unknown as Record<string, unknown>,
        state: session.state as unknown as Record<string, unknown>,
        variables: values,
        updatedAt: now,
      });
      return opening;
    }
    // The content the trial started with, so a draft edited meanwhile does not change a conversation under way.
    const compiled = compileScript(trial.content as unknown as ScriptContent, trial.nluEngine);
    const session = new DialogSession(compiled, trial.variables, nluFor(compiled.nluEngine), builtinNlu, trial.state as unknown as SessionState);
    const step = await session.hear(input.utterance);
    await dialog.saveTrial({ ...trial, state: session.state as unknown as Record<string, unknown>, updatedAt: now });
    return step;
  }

  // Statistics -------------------------------------------------------------------------

  /** Hits, hang-ups and failed answers per flow node over a group's answered calls. */
  async nodeStatistics(accountId: string, instanceId: string, jobGroupId: string) {
    const { group, tasks, names } = await this.groupConversations(accountId, instanceId, jobGroupId);
    const nodes = new Map<string, { hits: number; hangUps: number; noAnswers: number }>();
    const entry = (id: string) => nodes.get(id) ?? (nodes.set(id, { hits: 0, hangUps: 0, noAnswers: 0 }), nodes.get(id)!);
    let completed = 0;
    for (const task of tasks) {
      completed++;
      let last: string | undefined;
      for (const turn of task.conversation as Array<{ speaker: string; node?: string; intent?: string }>) {
        if (!turn.node) continue;
        if (turn.speaker === 'Robot' && turn.node !== last) entry(turn.node).hits++;
        if (turn.speaker === 'Contact' && (turn.intent === 'Silence' || turn.intent === 'NoMatch')) entry(turn.node).noAnswers++;
        last = turn.node;
      }
      if (task.endReason === 'CLIENT_HANGUP' && last) entry(last).hangUps++;
    }
    return { group, completed, nodes: [...nodes].map(([id, counts]) => ({ id, name: names.nodes.get(id) ?? id, ...counts })) };
  }

  /** Hits per intent (flow intents and global questions) over a group's answered calls. */
  async intentStatistics(accountId: string, instanceId: string, jobGroupId: string) {
    const { group, tasks, names } = await this.groupConversations(accountId, instanceId, jobGroupId);
    const intents = new Map<string, { hits: number; afterNoAnswer: number; global: boolean }>();
    for (const task of tasks) {
      let previous: string | undefined;
      for (const turn of task.conversation as Array<{ speaker: string; intent?: string }>) {
        if (turn.speaker !== 'Contact' || !turn.intent) continue;
        const name = turn.intent;
        const global = names.questions.has(name);
        if (global || names.intents.has(name)) {
          const counts = intents.get(name) ?? { hits: 0, afterNoAnswer: 0, global };
          counts.hits++;
          if (previous === 'Silence' || previous === 'NoMatch') counts.afterNoAnswer++;
          intents.set(name, counts);
        }
        previous = name;
      }
    }
    return {
      group,
      intents: [...intents].map(([name, counts]) => ({ name, id: (counts.global ? names.questions : names.intents).get(name) ?? '', ...counts })),
    };
  }

  // Helpers ----------------------------------------------------------------------------

  private async groupConversations(accountId: string, instanceId: string, jobGroupId: string) {
    await this.instances.require(accountId, instanceId);
    const group = await this.deps.store.findJobGroup(instanceId, jobGroupId);
    if (!group) throw jobGroupNotFound();
    const tasks = await this.deps.store.dialog.answeredTasks(instanceId, jobGroupId);
    const names = { nodes: new Map<string, string>(), intents: new Map<string, string>(), questions: new Map<string, string>() };
    const script = group.scriptId ? await this.deps.store.findScript(instanceId, group.scriptId) : undefined;
    if (script) {
      const content = await this.contentFor(script, 'published');
      for (const flow of content.flows) {
        for (const node of ((flow.definition as { nodes?: Array<{ id?: unknown; name?: unknown }> })?.nodes ?? [])) {
          if (typeof node?.id === 'string') names.nodes.set(node.id, typeof node.name === 'string' && node.name ? node.name : node.id);
        }
      }
      for (const intent of content.intents) names.intents.set(intent.name, intent.id);
      for (const question of content.questions) names.questions.set(question.name, question.id);
    }
    return { group, tasks, names };
  }

  /** The published version's content (the draft's when never published, or when asked). */
  private async contentFor(script: ScriptRow, which: 'draft' | 'published'): Promise<ScriptContent> {
    if (which === 'published' && script.publishedVersion) {
      const snapshot = await this.deps.store.dialog.findScriptSnapshot(script.instanceId, script.id, script.publishedVersion);
      const content = contentOfSnapshot(snapshot);
      if (content) return content;
    }
    return contentOf(await this.deps.store.dialog.listScriptItems(script.instanceId, script.id));
  }

  private async markDrafted(instanceId: string, scriptId: string): Promise<void> {
    const script = await this.deps.store.findScript(instanceId, scriptId);
    if (script && !script.isDrafted) await this.deps.store.updateScript({ ...script, isDrafted: true, updatedAt: this.deps.clock.now() });
  }

}

function checkNames(content: ScriptContent): void {
  for (const [kind, list] of [['flows', content.flows], ['intents', content.intents], ['questions', content.questions]] as const) {
    const seen = new Set<string>();
    for (const item of list as ReadonlyArray<{ name: string }>) {
      if (seen.has(item.name)) throw new ApiError('Duplicate.Name', `The file's ${kind} name "${item.name}" twice.`);
      seen.add(item.name);
    }
  }
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Reads an exported script file, refusing anything that is not one (ImportScript's SignatureUrl). */
export function readScriptFile(file: unknown): ScriptFile {
  const bad = (why: string): never => {
    throw invalidParameter('SignatureUrl', `not an outboundbot script file: ${why}`);
  };
  const doc = file as Partial<ScriptFile> | null;
  if (!doc || typeof doc !== 'object' || doc.format !== 'outboundbot-script') bad('"format" must be "outboundbot-script"');
  const script = doc!.script as Partial<ScriptFile['script']> | undefined;
  if (!script || typeof script.name !== 'string' || !script.name || script.name.length > 256) bad('"script.name" must be 1-256 characters');
  const dialog = (doc!.dialog ?? {}) as Partial<ScriptContent>;
  const flows = (dialog.flows ?? []) as FlowItem[];
  const intents = (dialog.intents ?? []) as IntentItem[];
  const questions = (dialog.questions ?? []) as QuestionItem[];
  if (!Array.isArray(flows) || !flows.every((f) => f && typeof f.name === 'string' && f.name && typeof (f.type ?? 'MainFlow') === 'string')) bad('"dialog.flows" must be flows with names');
  if (!Array.isArray(intents) || !intents.every((i) => i && typeof i.name === 'string' && i.name && isStrings(i.utterances ?? []) && isStrings(i.keywords ?? []))) bad('"dialog.intents" must be intents with names, utterances and keywords');
  if (!Array.isArray(questions) || !questions.every((q) => q && typeof q.name === 'string' && q.name && isStrings(q.questions ?? []) && isStrings(q.answers ?? []))) bad('"dialog.questions" must be global questions with names, questions and answers');
  const text = (value: unknown, fallback = '') => (typeof value === 'string' ? value.slice(0, 1024) : fallback);
  return {
    format: 'outboundbot-script',
    formatVersion: 1,
    script: {
      name: script!.name!,
      description: text(script!.description),
      industry: text(script!.industry, 'General'),
      scene: text(script!.scene, 'General'),
      nluEngine: text(script!.nluEngine),
      nluAccessType: text(script!.nluAccessType),
      settings: script!.settings && typeof script!.settings === 'object' ? script!.settings : {},
    },
    dialog: {
      flows: flows.map((f) => ({ id: '', name: f.name, type: f.type ?? 'MainFlow', definition: f.definition ?? {} })),
      intents: intents.map((i) => ({ id: '', name: i.name, description: text(i.description), utterances: i.utterances ?? [], keywords: i.keywords ?? [] })),
      questions: questions.map((q) => ({ id: '', name: q.name, type: text(q.type, 'COMMON'), questions: q.questions ?? [], answers: q.answers ?? [] })),
    },
  };
}
