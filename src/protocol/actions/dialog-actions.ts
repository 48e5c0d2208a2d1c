import { z } from 'zod';
import { invalidParameter } from '../../domain/errors.ts';
import { withE164 } from '../../domain/phone-number.ts';
import type { BotStep } from '../../dialog/runtime.ts';
import type { ScriptItemRow } from '../../store/dialog-store.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { p, parseJson } from '../params.ts';
import { checkCalledNumber, ids, pageRequest, paging } from './common-params.ts';

/**
 * The dialog actions: dialogue flows, intents, global questions, script variables,
 * export / import / duplicate / rollback, Dialogue, statistics and the contact block
 * list. Handlers map the wire to DialogService / BlockListService and back.
 */

const strings = z.array(z.string().max(1_000)).max(1_000);

/**
 * A JSON array of strings sent as text (Utterances, Keywords, Questions, Answers).
 * Parsed in the handler, once every parameter has decoded, so a missing required
 * parameter is reported before a malformed one.
 */
const stringList = (description: string, maxLength = 200_000) => p.text({ maxLength, description });
function listOf(name: string, value: string): string[];
function listOf(name: string, value: string | undefined): string[] | undefined;
function listOf(name: string, value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : parseJson(name, value, strings);
}
const MAX_FLOW_JSON = 1_000_000;

const flowShape = (flow: ScriptItemRow, scriptVersion: string) => ({
  DialogueFlowId: flow.id,
  DialogueFlowName: flow.name,
  DialogueFlowType: String(flow.body.type ?? 'MainFlow'),
  DialogueFlowDefinition: JSON.stringify(flow.body.definition ?? {}),
  ScriptId: flow.scriptId,
  ScriptVersion: scriptVersion,
});

const intentShape = (intent: ScriptItemRow) => ({
  IntentId: intent.id,
  IntentName: intent.name,
  IntentDescription: String(intent.body.description ?? ''),
  Utterances: JSON.stringify(intent.body.utterances ?? []),
  Keywords: JSON.stringify(intent.body.keywords ?? []),
  ScriptId: intent.scriptId,
  CreateTime: intent.createdAt,
  UpdateTime: intent.updatedAt,
});

const questionShape = (question: ScriptItemRow) => ({
  GlobalQuestionId: question.id,
  GlobalQuestionName: question.name,
  GlobalQuestionType: String(question.body.type ?? 'COMMON'),
  Questions: JSON.stringify(question.body.questions ?? []),
  Answers: JSON.stringify(question.body.answers ?? []),
  ScriptId: question.scriptId,
});

function pageOf<T>(items: T[], pageNumber: number, pageSize: number) {
  return { List: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), TotalCount: items.length, PageNumber: pageNumber, PageSize: pageSize };
}

const rate = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100}%`;

// Dialogue flows ----------------------------------------------------------------------

export const createDialogueFlow = defineAction({
  name: 'CreateDialogueFlow',
  summary: 'Adds an empty dialogue flow (MainFlow or SubFlow) to a script\'s draft; ModifyDialogueFlow sets its nodes.',
  params: {
    InstanceId: ids.instanceId(),
    ScriptId: ids.scriptId(),
    DialogueName: p.string({ maxLength: 256, description: 'Flow name, unique in the script.' }).require(),
    DialogueFlowType: p.string({ oneOf: ['MainFlow', 'SubFlow'], description: 'MainFlow (calls start there) or SubFlow (entered by a `@Name` target).' }).require(),
  },
  async handler({ caller, services }, params) {
    const flow = await services.dialog.createItem(caller.accountId, params.InstanceId, params.ScriptId, 'flow', params.DialogueName, { type: params.DialogueFlowType, definition: {} });
    return { DialogueFlowId: flow.id };
  },
});

export const modifyDialogueFlow = defineAction({
  name: 'ModifyDialogueFlow',
  summary: 'Saves a flow\'s definition (the node graph of docs/dialog.md), checked on save: errors name the node.',
  params: {
    InstanceId: ids.instanceId(),
    ScriptId: ids.scriptId(),
    DialogueFlowId: p.string({ maxLength: 64, description: 'Flow ID.' }).require(),
    DialogueFlowDefinition: p.text({ maxLength: MAX_FLOW_JSON, description: 'The flow as JSON: {"start", "nodes": [...], "variables"} (docs/dialog.md).' }).require(),
    IsDrafted: p.boolean({ description: 'Accepted for compatibility; every save is a draft until PublishScript.' }),
  },
  async handler({ caller, services }, params) {
    let definition: unknown;
    try {
      definition = params.DialogueFlowDefinition.trim() === '' ? {} : JSON.parse(params.DialogueFlowDefinition);
    } catch {
      throw invalidParameter('DialogueFlowDefinition', 'not valid JSON');
    }
    const flow = await services.dialog.saveFlowDefinition(caller.accountId, params.InstanceId, params.ScriptId, params.DialogueFlowId, definition);
    return { DialogueFlowId: flow.id, DialogueFlowDefinition: JSON.stringify(flow.body.definition ?? {}) };
  },
});

export const listDialogueFlows = defineAction({
  name: 'ListDialogueFlows',
  summary: 'Lists a script\'s dialogue flows (the draft).',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId() },
  async handler({ caller, services }, params) {
    const script = await services.scripts.require(caller.accountId, params.InstanceId, params.ScriptId);
    const flows = await services.dialog.listItems(caller.accountId, params.InstanceId, params.ScriptId, 'flow');
    return { DialogueFlows: flows.map((flow) => flowShape(flow, script.publishedVersion ?? '')) };
  },
});

export const deleteDialogueFlow = defineAction({
  name: 'DeleteDialogueFlow',
  summary: 'Deletes a dialogue flow from the draft; published versions keep theirs.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), DialogueFlowId: p.string({ maxLength: 64, description: 'Flow ID.' }).require() },
  async handler({ caller, services }, params) {
    await services.dialog.deleteItem(caller.accountId, params.InstanceId, params.ScriptId, 'flow', params.DialogueFlowId);
    return {};
  },
});

// Intents -------------------------------------------------------------------------------

const intentParams = {
  IntentDescription: p.text({ maxLength: 1024, description: 'What the intent means.' }),
  Utterances: stringList('JSON array of example utterances.').require(),
  Keywords: stringList('JSON array of keywords; one written /like this/ is a regular expression.', 100_000),
};

function checkPatterns(keywords: readonly string[] | undefined): void {
  for (const [i, keyword] of (keywords ?? []).entries()) {
    const regex = /^\/(.+)\/$/s.exec(keyword.trim());
    if (!regex) continue;
    try {
      new RegExp(regex[1]!, 'iu');
    } catch {
      throw invalidParameter(`Keywords.${i + 1}`, `"${keyword}" is not a valid regular expression`);
    }
    // A repeated group that itself repeats (`(a+)+`) can take exponential time on a long utterance.
    if (/\([^()]*[+*}][^()]*\)\s*[+*{]/.test(regex[1]!)) throw invalidParameter(`Keywords.${i + 1}`, `"${keyword}" nests repetitions; write it without a repeated group that repeats`);
  }
}

export const createIntent = defineAction({
  name: 'CreateIntent',
  summary: 'Adds an intent (example utterances, keywords) to a script\'s draft.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), IntentName: p.string({ maxLength: 256, description: 'Intent name, unique in the script.' }).require(), ...intentParams },
  async handler({ caller, services }, params) {
    const utterances = listOf('Utterances', params.Utterances);
    const keywords = listOf('Keywords', params.Keywords);
    checkPatterns(keywords);
    const intent = await services.dialog.createItem(caller.accountId, params.InstanceId, params.ScriptId, 'intent', params.IntentName, {
      description: params.IntentDescription ?? '',
      utterances,
      keywords: keywords ?? [],
    });
    return { IntentId: intent.id };
  },
});

export const modifyIntent = defineAction({
  name: 'ModifyIntent',
  summary: 'Changes an intent of a script\'s draft.',
  params: {
    InstanceId: ids.instanceId(),
    ScriptId: ids.scriptId(),
    IntentId: p.string({ maxLength: 64, description: 'Intent ID.' }).require(),
    IntentName: p.string({ maxLength: 256, description: 'Intent name, unique in the script.' }).require(),
    ...intentParams,
  },
  async handler({ caller, services }, params) {
    const utterances = listOf('Utterances', params.Utterances);
    const keywords = listOf('Keywords', params.Keywords);
    checkPatterns(keywords);
    const intent = await services.dialog.modifyItem(caller.accountId, params.InstanceId, params.ScriptId, 'intent', params.IntentId, {
      name: params.IntentName,
      body: {
        utterances,
        ...(params.IntentDescription !== undefined ? { description: params.IntentDescription } : {}),
        ...(keywords !== undefined ? { keywords } : {}),
      },
    });
    return { IntentId: intent.id };
  },
});

export const listIntents = defineAction({
  name: 'ListIntents',
  summary: 'Lists a script\'s intents (the draft), optionally those whose name, utterances or keywords contain a keyword.',
  params: {
    InstanceId: ids.instanceId(),
    ScriptId: ids.scriptId(),
    Keyword: p.string({ maxLength: 256, description: 'Filter: part of the name, an utterance or a keyword.' }),
    PageNumber: paging.pageNumber().require(),
    PageSize: paging.pageSize().require(),
  },
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    let intents = await services.dialog.listItems(caller.accountId, params.InstanceId, params.ScriptId, 'intent');
    const keyword = params.Keyword;
    if (keyword) intents = intents.filter((intent) => intent.name.includes(keyword) || JSON.stringify([intent.body.utterances, intent.body.keywords]).includes(keyword));
    return { Intents: pageOf(intents.map(intentShape), page.pageNumber, page.pageSize) };
  },
});

export const describeIntent = defineAction({
  name: 'DescribeIntent',
  summary: 'Returns one intent of a script\'s draft.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), IntentId: p.string({ maxLength: 64, description: 'Intent ID.' }).require() },
  async handler({ caller, services }, params) {
    return { Intent: intentShape(await services.dialog.requireItem(caller.accountId, params.InstanceId, params.ScriptId, 'intent', params.IntentId)) };
  },
});

export const deleteIntent = defineAction({
  name: 'DeleteIntent',
  summary: 'Deletes an intent from the draft (PublishScript then refuses flows whose branches still name it).',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), IntentId: p.string({ maxLength: 64, description: 'Intent ID.' }).require() },
  async handler({ caller, services }, params) {
    await services.dialog.deleteItem(caller.accountId, params.InstanceId, params.ScriptId, 'intent', params.IntentId);
    return {};
  },
});

// Global questions ----------------------------------------------------------------------

const questionParams = {
  GlobalQuestionName: p.string({ maxLength: 256, description: 'Name, unique in the script.' }).require(),
  GlobalQuestionType: p.string({ maxLength: 64, description: 'COMMON or SYSTEM (stored as given).' }).require(),
  Questions: stringList('JSON array of the questions that trigger it.').require(),
  Answers: stringList('JSON array of answers; the first is spoken.').require(),
};

export const createGlobalQuestion = defineAction({
  name: 'CreateGlobalQuestion',
  summary: 'Adds a global question: answered at any listen node, which then asks again.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), ...questionParams },
  async handler({ caller, services }, params) {
    const question = await services.dialog.createItem(caller.accountId, params.InstanceId, params.ScriptId, 'question', params.GlobalQuestionName, {
      type: params.GlobalQuestionType,
      questions: listOf('Questions', params.Questions),
      answers: listOf('Answers', params.Answers),
    });
    return { GlobalQuestionId: question.id };
  },
});

export const modifyGlobalQuestion = defineAction({
  name: 'ModifyGlobalQuestion',
  summary: 'Changes a global question of a script\'s draft.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), GlobalQuestionId: p.string({ maxLength: 64, description: 'Global question ID.' }).require(), ...questionParams },
  async handler({ caller, services }, params) {
    const question = await services.dialog.modifyItem(caller.accountId, params.InstanceId, params.ScriptId, 'question', params.GlobalQuestionId, {
      name: params.GlobalQuestionName,
      body: { type: params.GlobalQuestionType, questions: listOf('Questions', params.Questions), answers: listOf('Answers', params.Answers) },
    });
    return { DialogueQuestionId: question.id };
  },
});

export const listGlobalQuestions = defineAction({
  name: 'ListGlobalQuestions',
  summary: 'Lists a script\'s global questions (the draft).',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), PageNumber: paging.pageNumber().require(), PageSize: paging.pageSize().require() },
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const questions = await services.dialog.listItems(caller.accountId, params.InstanceId, params.ScriptId, 'question');
    return { GlobalQuestions: pageOf(questions.map(questionShape), page.pageNumber, page.pageSize) };
  },
});

export const describeGlobalQuestion = defineAction({
  name: 'DescribeGlobalQuestion',
  summary: 'Returns one global question of a script\'s draft.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), GlobalQuestionId: p.string({ maxLength: 64, description: 'Global question ID.' }).require() },
  async handler({ caller, services }, params) {
    return { GlobalQuestion: questionShape(await services.dialog.requireItem(caller.accountId, params.InstanceId, params.ScriptId, 'question', params.GlobalQuestionId)) };
  },
});

export const deleteGlobalQuestion = defineAction({
  name: 'DeleteGlobalQuestion',
  summary: 'Deletes a global question from the draft.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), GlobalQuestionId: p.string({ maxLength: 64, description: 'Global question ID.' }).require() },
  async handler({ caller, services }, params) {
    await services.dialog.deleteItem(caller.accountId, params.InstanceId, params.ScriptId, 'question', params.GlobalQuestionId);
    return {};
  },
});

export const listScriptVariables = defineAction({
  name: 'ListScriptVariables',
  summary: 'Lists the ${variables} a script\'s texts may use: the contact\'s and those its flows declare.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), Sandbox: p.boolean({ description: 'true: the draft; false (default): the published version.' }) },
  async handler({ caller, services }, params) {
    const variables = await services.dialog.variables(caller.accountId, params.InstanceId, params.ScriptId, params.Sandbox ?? false);
    return { Variables: variables.map((v) => ({ Name: v.name, DisplayName: v.displayName ?? v.name, Description: v.description ?? '' })) };
  },
});

// Whole scripts -------------------------------------------------------------------------

const DATA_URL_PREFIX = 'data:application/json;base64,';

export const exportScript = defineAction({
  name: 'ExportScript',
  summary: 'Exports a script\'s draft (settings, flows, intents, global questions) as one portable JSON file, returned as a data: URL.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId() },
  async handler({ caller, services }, params) {
    const file = await services.dialog.exportScript(caller.accountId, params.InstanceId, params.ScriptId);
    return { DownloadParams: { SignatureUrl: DATA_URL_PREFIX + Buffer.from(JSON.stringify(file)).toString('base64') } };
  },
});

export const importScript = defineAction({
  name: 'ImportScript',
  summary: 'Creates a script from a file ExportScript wrote (its data: URL, or the file\'s JSON itself); flows are checked first.',
  params: {
    InstanceId: ids.instanceId(),
    SignatureUrl: p.text({ maxLength: 1_500_000, description: 'The data: URL ExportScript returned, or the script file\'s JSON.' }).require(),
    NluEngine: p.string({ maxLength: 64, description: 'NLU engine of the new script (the file\'s when absent).' }),
  },
  async handler({ caller, services }, params) {
    const source = params.SignatureUrl.trim();
    let text: string;
    if (source.startsWith(DATA_URL_PREFIX)) text = Buffer.from(source.slice(DATA_URL_PREFIX.length), 'base64').toString('utf8');
    else if (source.startsWith('{')) text = source;
    else throw invalidParameter('SignatureUrl', 'give the data: URL ExportScript returned (or the file\'s JSON); remote URLs are not fetched');
    let file: unknown;
    try {
      file = JSON.parse(text);
    } catch {
      throw invalidParameter('SignatureUrl', 'the file is not valid JSON');
    }
    const script = await services.dialog.importScript(caller.accountId, params.InstanceId, file, params.NluEngine);
    return { ScriptId: script.id };
  },
});

export const duplicateScript = defineAction({
  name: 'DuplicateScript',
  summary: 'Copies a script\'s draft (settings and content) into a new, unpublished script.',
  params: { InstanceId: ids.instanceId(), SourceScriptId: ids.scriptId(), Name: p.string({ maxLength: 256, description: 'Name of the copy.' }).require() },
  async handler({ caller, services }, params) {
    const script = await services.dialog.duplicateScript(caller.accountId, params.InstanceId, params.SourceScriptId, params.Name);
    return { ScriptId: script.id };
  },
});

export const rollbackScript = defineAction({
  name: 'RollbackScript',
  summary: 'Makes a published version the draft again; PublishScript then makes it a new version. Running groups are unaffected.',
  params: { InstanceId: ids.instanceId(), ScriptId: ids.scriptId(), RollbackVersion: p.string({ maxLength: 64, description: 'A version from ListScriptPublishHistories.' }).require() },
  async handler({ caller, services }, params) {
    await services.dialog.rollbackScript(caller.accountId, params.InstanceId, params.ScriptId, params.RollbackVersion);
    return {};
  },
});

// Trying a script ------------------------------------------------------------------------

function feedbackOf(step: BotStep) {
  const action = step.end ? (step.end.action === 'transfer' ? 'Transfer' : 'Hangup') : 'Broadcast';
  return {
    Action: action,
    ActionParams: JSON.stringify({ ...(step.heard ? { heard: step.heard } : {}), ...(step.end ? { endReason: step.end.reason } : {}) }),
    Content: step.say.map((line) => line.text).join(' '),
    ContentParams: JSON.stringify(step.say.map((line) => ({ node: line.node, flow: line.flow }))),
    Interruptible: !step.end,
  };
}

export const dialogue = defineAction({
  name: 'Dialogue',
  summary: 'One turn of a trial conversation with a script, no call placed: the first request of a CallId starts it (the bot speaks first), later ones send the callee\'s Utterance. CallType Sandbox runs the draft, otherwise the published version.',
  params: {
    InstanceId: ids.instanceId(),
    ScriptId: p.string({ maxLength: 64, description: 'Script ID (or ScenarioId).' }),
    ScenarioId: p.string({ maxLength: 64, description: 'Script ID, as older clients send it.' }),
    CallId: p.string({ maxLength: 128, description: 'Identifies the trial conversation.' }).require(),
    CallType: p.string({ maxLength: 32, description: 'Outbound (the published version) or Sandbox (the draft).' }).require(),
    CalledNumber: p.string({ maxLength: 32, description: 'The callee (fills ${phoneNumber}).' }).require(),
    CallingNumber: p.string({ maxLength: 32, description: 'The calling number (informational).' }).require(),
    TaskId: p.string({ maxLength: 64, description: 'Accepted for compatibility.' }),
    Utterance: p.text({ maxLength: 2000, description: 'What the callee said (empty: silence).' }).require(),
    ActionKey: p.string({ maxLength: 64, description: 'Accepted for compatibility.' }),
    ActionParams: p.text({ maxLength: 4096, description: 'Deprecated; ignored.' }),
  },
  async handler({ caller, services }, params) {
    const scriptId = params.ScriptId ?? params.ScenarioId;
    if (!scriptId) throw invalidParameter('ScriptId', 'give ScriptId (or ScenarioId)');
    const step = await services.dialog.dialogue(caller.accountId, params.InstanceId, {
      scriptId,
      callId: params.CallId,
      callType: params.CallType,
      calledNumber: checkCalledNumber('CalledNumber', params.CalledNumber),
      utterance: params.Utterance,
    });
    return { Feedback: feedbackOf(step) };
  },
});

// Statistics ------------------------------------------------------------------------------

export const describeDialogueNodeStatistics = defineAction({
  name: 'DescribeDialogueNodeStatistics',
  summary: 'Per flow node of a group\'s answered calls: where callees hung up and where they went silent or were not understood.',
  params: { InstanceId: ids.instanceId(), JobGroupId: ids.jobGroupId(), Limit: p.integer({ min: 1, max: 1000, description: 'Most nodes per list.' }).require() },
  async handler({ caller, services }, params) {
    const stats = await services.dialog.nodeStatistics(caller.accountId, params.InstanceId, params.JobGroupId);
    const hangUps = stats.nodes.filter((n) => n.hangUps > 0).sort((a, b) => b.hangUps - a.hangUps);
    const totalHangUps = hangUps.reduce((sum, n) => sum + n.hangUps, 0);
    const noAnswers = stats.nodes.filter((n) => n.noAnswers > 0).sort((a, b) => b.noAnswers - a.noAnswers);
    return {
      GroupId: stats.group.id,
      InstanceId: stats.group.instanceId,
      TotalCompleted: stats.completed,
      HangUpDialogueNodes: hangUps.slice(0, params.Limit).map((n) => ({ NodeId: n.id, NodeName: n.name, HangUpNum: n.hangUps, RateDisplay: rate(n.hangUps, totalHangUps) })),
      NoAnswerDialogueNodes: noAnswers.slice(0, params.Limit).map((n) => ({
        Id: n.id,
        GroupId: stats.group.id,
        InstanceId: stats.group.instanceId,
        NodeId: n.id,
        NodeName: n.name,
        HitNum: n.hits,
        NoAnswerNum: n.noAnswers,
        HangUpNum: n.hangUps,
      })),
    };
  },
});

export const describeIntentStatistics = defineAction({
  name: 'DescribeIntentStatistics',
  summary: 'Hits per intent (flow intents and global questions) over a group\'s answered calls.',
  params: { InstanceId: ids.instanceId(), JobGroupId: ids.jobGroupId(), Limit: p.integer({ min: 1, max: 1000, description: 'Most intents per list (default 5).' }) },
  async handler({ caller, services }, params) {
    const stats = await services.dialog.intentStatistics(caller.accountId, params.InstanceId, params.JobGroupId);
    const limit = params.Limit ?? 5;
    const base = { GroupId: stats.group.id, InstanceId: stats.group.instanceId };
    const process = stats.intents.filter((i) => !i.global).sort((a, b) => b.hits - a.hits);
    const global = stats.intents.filter((i) => i.global).sort((a, b) => b.hits - a.hits);
    const processHits = process.reduce((sum, i) => sum + i.hits, 0);
    const globalHits = global.reduce((sum, i) => sum + i.hits, 0);
    const shape = (i: (typeof stats.intents)[number], total: number, type: string) => ({
      ...base,
      IntentId: i.id,
      IntentName: i.name,
      HitNum: i.hits,
      HitAfterNoAnswer: i.afterNoAnswer,
      RateDisplay: rate(i.hits, total),
      Type: type,
    });
    return {
      ...base,
      ProcessIntentNum: processHits,
      GlobalIntentNum: globalHits,
      ProcessIntents: process.slice(0, limit).map((i) => shape(i, processHits, 'ProcessIntent')),
      GlobalIntents: global.slice(0, limit).map((i) => shape(i, globalHits, 'GlobalIntent')),
      IntentsAfterNoAnswer: stats.intents
        .filter((i) => i.afterNoAnswer > 0)
        .sort((a, b) => b.afterNoAnswer - a.afterNoAnswer)
        .slice(0, limit)
        .map((i) => ({ ...base, IntentId: i.id, IntentName: i.name, HitAfterNoAnswer: i.afterNoAnswer })),
    };
  },
});

// Contact block list ------------------------------------------------------------------------

const blockEntrySchema = z
  .array(
    z.object({
      phoneNumber: z.string().max(32),
      name: z.string().max(256).optional(),
      remark: z.string().max(1024).optional(),
      creator: z.string().max(256).optional(),
    }).transform(withE164),
  )
  .min(1)
  .max(1000);

export const saveContactBlockList = defineAction({
  name: 'SaveContactBlockList',
  summary: 'Adds numbers to the instance\'s block list: never dialled for any of its groups. Numbers already listed are kept.',
  params: {
    InstanceId: ids.instanceId(),
    ContactBlockListsJson: p.json(blockEntrySchema, { maxLength: 500_000, description: 'JSON array of {phoneNumber, name, remark, creator}.' }).require(),
    ContactBlockListList: p.stringArray({ maxItems: 1000, description: 'Deprecated; ignored.' }),
  },
  async handler({ caller, services }, params) {
    return { AffectedRows: await services.blockList.save(caller.accountId, params.InstanceId, params.ContactBlockListsJson) };
  },
});

export const getContactBlockList = defineAction({
  name: 'GetContactBlockList',
  summary: 'Lists the instance\'s block list, newest first; SearchPattern matches part of the number, name or remark.',
  params: {
    InstanceId: ids.instanceId(),
    PageNumber: paging.pageNumber().require(),
    PageSize: paging.pageSize().require(),
    SearchPattern: p.string({ maxLength: 256, description: 'Filter: part of the number, name or remark.' }),
    CountTotalRow: p.boolean({ description: 'Accepted; the total is always counted.' }),
  },
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const result = await services.blockList.list(caller.accountId, params.InstanceId, params.SearchPattern, page);
    return {
      ContactBlocklistList: {
        List: result.items.map((row) => ({
          ContactBlockListId: row.id,
          InstanceId: row.instanceId,
          PhoneNumber: row.phoneNumber,
          Name: row.name,
          Remark: row.remark,
          Creator: row.creator,
          Operator: row.creator,
          CreationTime: row.createdAt,
        })),
        TotalCount: result.totalCount,
        PageNumber: page.pageNumber,
        PageSize: page.pageSize,
      },
    };
  },
});

export const deleteContactBlockList = defineAction({
  name: 'DeleteContactBlockList',
  summary: 'Removes one entry from the instance\'s block list.',
  params: {
    InstanceId: ids.instanceId(),
    ContactBlockListId: p.string({ maxLength: 64, description: 'Entry ID (GetContactBlockList).' }).require(),
    Operator: p.string({ maxLength: 256, description: 'Who removes it (informational).' }),
  },
  async handler({ caller, services }, params) {
    await services.blockList.delete(caller.accountId, params.InstanceId, params.ContactBlockListId);
    return { AffectedRows: 1 };
  },
});

/** The dialog actions: flows, intents, global questions, block list, Dialogue, statistics. */
export const DIALOG_ACTIONS: readonly ActionDefinition[] = [
  createDialogueFlow,
  modifyDialogueFlow,
  listDialogueFlows,
  deleteDialogueFlow,
  createIntent,
  modifyIntent,
  listIntents,
  describeIntent,
  deleteIntent,
  createGlobalQuestion,
  modifyGlobalQuestion,
  listGlobalQuestions,
  describeGlobalQuestion,
  deleteGlobalQuestion,
  listScriptVariables,
  exportScript,
  importScript,
  duplicateScript,
  rollbackScript,
  dialogue,
  describeDialogueNodeStatistics,
  describeIntentStatistics,
  saveContactBlockList,
  getContactBlockList,
  deleteContactBlockList,
] as unknown as readonly ActionDefinition[];
