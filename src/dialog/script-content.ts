import type { ScriptItemRow } from '../store/dialog-store.ts';
import { FlowError, isEmptyDefinition, parseFlow, type FlowDefinition } from './flow.ts';

/**
 * What a script says and understands, as stored in its draft items and frozen into
 * a published version's snapshot (`snapshot.dialog`): dialogue flows, intents and
 * global questions. `compileScript` turns it into what the runtime executes.
 */

export interface FlowItem {
  id: string;
  name: string;
  /** MainFlow (where calls start) or SubFlow (entered by a `@Name` target). */
  type: string;
  /** The DialogueFlowDefinition document; `{}` until the flow is first saved. */
  definition: unknown;
}

export interface IntentItem {
  id: string;
  name: string;
  description: string;
  utterances: string[];
  /** Words or phrases; one written `/like this/` is a regular expression. */
  keywords: string[];
}

export interface QuestionItem {
  id: string;
  name: string;
  type: string;
  questions: string[];
  answers: string[];
}

export interface ScriptContent {
  flows: FlowItem[];
  intents: IntentItem[];
  questions: QuestionItem[];
}

export interface CompiledScript {
  nluEngine: string;
  mainFlow: string;
  flows: Map<string, FlowDefinition>;
  intents: IntentItem[];
  questions: QuestionItem[];
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The draft items of a script as content. */
export function contentOf(items: readonly ScriptItemRow[]): ScriptContent {
  const content: ScriptContent = { flows: [], intents: [], questions: [] };
  for (const item of items) {
    const body = item.body;
    if (item.kind === 'flow') content.flows.push({ id: item.id, name: item.name, type: String(body.type ?? 'MainFlow'), definition: body.definition ?? {} });
    else if (item.kind === 'intent')
      content.intents.push({ id: item.id, name: item.name, description: String(body.description ?? ''), utterances: strings(body.utterances), keywords: strings(body.keywords) });
    else content.questions.push({ id: item.id, name: item.name, type: String(body.type ?? 'COMMON'), questions: strings(body.questions), answers: strings(body.answers) });
  }
  return content;
}

/** Content back as draft items (rollback, import, duplicate), with new ids when asked. */
export function itemsOf(content: ScriptContent, scriptId: string, instanceId: string, now: number, newId?: () => string): ScriptItemRow[] {
  const row = (kind: ScriptItemRow['kind'], id: string, name: string, body: Record<string, unknown>): ScriptItemRow => ({
    id: newId ? newId() : id,
    scriptId,
    instanceId,
    kind,
    name,
    body,
    createdAt: now,
    updatedAt: now,
  });
  return [
    ...content.flows.map((f) => row('flow', f.id, f.name, { type: f.type, definition: f.definition })),
    ...content.intents.map((i) => row('intent', i.id, i.name, { description: i.description, utterances: i.utterances, keywords: i.keywords })),
    ...content.questions.map((q) => row('question', q.id, q.name, { type: q.type, questions: q.questions, answers: q.answers })),
  ];
}

/** Reads `snapshot.dialog` of a published version (absent in versions published before flows existed). */
export function contentOfSnapshot(snapshot: Record<string, unknown> | undefined): ScriptContent | undefined {
  const dialog = snapshot?.dialog as Partial<ScriptContent> | undefined;
  if (!dialog || typeof dialog !== 'object') return undefined;
  return { flows: dialog.flows ?? [], intents: dialog.intents ?? [], questions: dialog.questions ?? [] };
}

/** True when the script has a flow to run (otherwise calls keep the minimal conversation). */
export function hasRunnableFlow(content: ScriptContent | undefined): boolean {
  return !!content && content.flows.some((flow) => !isEmptyDefinition(flow.definition));
}

/**
 * Checks the whole script: every non-empty flow on its own, one MainFlow to start
 * from, every `@Flow` target and every branch intent known. Throws FlowError.
 */
export function compileScript(content: ScriptContent, nluEngine: string): CompiledScript {
  const flows = new Map<string, FlowDefinition>();
  for (const flow of content.flows) {
    if (isEmptyDefinition(flow.definition)) throw new FlowError(flow.name, undefined, 'the flow has no nodes yet');
    flows.set(flow.name, parseFlow(flow.name, flow.definition));
  }
  const mains = content.flows.filter((flow) => flow.type === 'MainFlow');
  if (mains.length !== 1) throw new FlowError(mains[1]?.name ?? '(script)', undefined, `a script needs exactly one MainFlow, it has ${mains.length}`);
  const intents = new Set(content.intents.map((intent) => intent.name));
  for (const [name, flow] of flows) {
    for (const node of flow.nodes) {
      for (const branch of node.branches ?? []) {
        if (branch.intent !== undefined && !intents.has(branch.intent)) throw new FlowError(name, node.id, `branch "${branch.intent}" names no intent of the script`);
      }
      for (const target of [node.next, ...(node.branches ?? []).map((b) => b.next), node.silence?.next, node.noMatch?.next]) {
        if (target?.startsWith('@') && !flows.has(target.slice(1))) throw new FlowError(name, node.id, `goes to "${target}", which is not a flow of the script`);
      }
    }
  }
  return { nluEngine, mainFlow: mains[0]!.name, flows, intents: content.intents, questions: content.questions };
}
