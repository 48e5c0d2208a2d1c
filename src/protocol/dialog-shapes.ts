import type { FlowVariable } from '../dialog/flow.ts';
import type { BotStep } from '../dialog/runtime.ts';
import type { DialogService } from '../services/dialog-service.ts';
import type { BlockedNumberRow, ScriptItemRow } from '../store/dialog-store.ts';

/**
 * Script content, trial turns, dialog statistics and the block list as the public
 * API shapes them. Item bodies are the JSON documents of src/dialog/script-content.ts;
 * the API returns their lists as JSON text.
 */

export function dialogueFlowShape(flow: ScriptItemRow, scriptVersion: string) {
  return {
    DialogueFlowId: flow.id,
    DialogueFlowName: flow.name,
    DialogueFlowType: String(flow.body.type ?? 'MainFlow'),
    DialogueFlowDefinition: flowDefinitionText(flow),
    ScriptId: flow.scriptId,
    ScriptVersion: scriptVersion,
  };
}

export function flowDefinitionText(flow: ScriptItemRow): string {
  return JSON.stringify(flow.body.definition ?? {});
}

export function intentShape(intent: ScriptItemRow) {
  return {
    IntentId: intent.id,
    IntentName: intent.name,
    IntentDescription: String(intent.body.description ?? ''),
    Utterances: JSON.stringify(intent.body.utterances ?? []),
    Keywords: JSON.stringify(intent.body.keywords ?? []),
    ScriptId: intent.scriptId,
    CreateTime: intent.createdAt,
    UpdateTime: intent.updatedAt,
  };
}

export function globalQuestionShape(question: ScriptItemRow) {
  return {
    GlobalQuestionId: question.id,
    GlobalQuestionName: question.name,
    GlobalQuestionType: String(question.body.type ?? 'COMMON'),
    Questions: JSON.stringify(question.body.questions ?? []),
    Answers: JSON.stringify(question.body.answers ?? []),
    ScriptId: question.scriptId,
  };
}

export function scriptVariableShape(variable: FlowVariable) {
  return { Name: variable.name, DisplayName: variable.displayName ?? variable.name, Description: variable.description ?? '' };
}

/** Dialogue's Feedback: what the bot says this turn, and whether it hangs up or transfers. */
export function feedbackShape(step: BotStep) {
  const action = step.end ? (step.end.action === 'transfer' ? 'Transfer' : 'Hangup') : 'Broadcast';
  return {
    Action: action,
    ActionParams: JSON.stringify({ ...(step.heard ? { heard: step.heard } : {}), ...(step.end ? { endReason: step.end.reason } : {}) }),
    Content: step.say.map((line) => line.text).join(' '),
    ContentParams: JSON.stringify(step.say.map((line) => ({ node: line.node, flow: line.flow }))),
    Interruptible: !step.end,
  };
}

export function blockListEntryShape(row: BlockedNumberRow) {
  return {
    ContactBlockListId: row.id,
    InstanceId: row.instanceId,
    PhoneNumber: row.phoneNumber,
    Name: row.name,
    Remark: row.remark,
    Creator: row.creator,
    Operator: row.creator,
    CreationTime: row.createdAt,
  };
}

// Statistics -------------------------------------------------------------------------

type NodeStatistics = Awaited<ReturnType<DialogService['nodeStatistics']>>;
type IntentStatistics = Awaited<ReturnType<DialogService['intentStatistics']>>;
type IntentCounts = IntentStatistics['intents'][number];

const rate = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100}%`;

/** The `limit` items with most of `count`, leaving out those with none. */
function top<T>(items: readonly T[], count: (item: T) => number, limit: number): T[] {
  return items.filter((item) => count(item) > 0).sort((a, b) => count(b) - count(a)).slice(0, limit);
}

const sum = <T>(items: readonly T[], count: (item: T) => number) => items.reduce((total, item) => total + count(item), 0);

/** DescribeDialogueNodeStatistics: where callees hung up, and where they went silent or were not understood. */
export function nodeStatisticsShape(stats: NodeStatistics, limit: number) {
  const totalHangUps = sum(stats.nodes, (n) => n.hangUps);
  return {
    GroupId: stats.group.id,
    InstanceId: stats.group.instanceId,
    TotalCompleted: stats.completed,
    HangUpDialogueNodes: top(stats.nodes, (n) => n.hangUps, limit).map((n) => ({ NodeId: n.id, NodeName: n.name, HangUpNum: n.hangUps, RateDisplay: rate(n.hangUps, totalHangUps) })),
    NoAnswerDialogueNodes: top(stats.nodes, (n) => n.noAnswers, limit).map((n) => ({
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
}

/** DescribeIntentStatistics: hits of flow intents and of global questions, each ranked with its share. */
export function intentStatisticsShape(stats: IntentStatistics, limit: number) {
  const base = { GroupId: stats.group.id, InstanceId: stats.group.instanceId };
  const process = stats.intents.filter((i) => !i.global);
  const global = stats.intents.filter((i) => i.global);
  const processHits = sum(process, (i) => i.hits);
  const globalHits = sum(global, (i) => i.hits);
  const ranked = (intents: IntentCounts[], total: number, type: string) =>
    top(intents, (i) => i.hits, limit).map((i) => ({
      ...base,
      IntentId: i.id,
      IntentName: i.name,
      HitNum: i.hits,
      HitAfterNoAnswer: i.afterNoAnswer,
      RateDisplay: rate(i.hits, total),
      Type: type,
    }));
  return {
    ...base,
    ProcessIntentNum: processHits,
    GlobalIntentNum: globalHits,
    ProcessIntents: ranked(process, processHits, 'ProcessIntent'),
    GlobalIntents: ranked(global, globalHits, 'GlobalIntent'),
    IntentsAfterNoAnswer: top(stats.intents, (i) => i.afterNoAnswer, limit).map((i) => ({ ...base, IntentId: i.id, IntentName: i.name, HitAfterNoAnswer: i.afterNoAnswer })),
  };
}
