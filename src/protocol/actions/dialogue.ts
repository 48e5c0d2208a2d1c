import { invalidParameter } from '../../domain/errors.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { feedbackShape, intentStatisticsShape, nodeStatisticsShape } from '../dialog-shapes.ts';
import { p } from '../params.ts';
import { checkCalledNumber, inInstance, inJobGroup } from './common-params.ts';

/** Conversations with a script: a trial turn by turn (Dialogue), and what a group's answered calls said (statistics). */

const dialogue = defineAction({
  name: 'Dialogue', summary: 'One turn of a trial conversation with a script, no call placed: the first request of a CallId starts it (the bot speaks first), later ones send the callee\'s Utterance. CallType Sandbox runs the draft, otherwise the published version.',
  params: inInstance({
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
  }),
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
    return { Feedback: feedbackShape(step) };
  },
});

const describeDialogueNodeStatistics = defineAction({
  name: 'DescribeDialogueNodeStatistics', summary: 'Per flow node of a group\'s answered calls: where callees hung up and where they went silent or were not understood.',
  params: inJobGroup({ Limit: p.integer({ min: 1, max: 1000, description: 'Most nodes per list.' }).require() }),
  async handler({ caller, services }, params) {
    return nodeStatisticsShape(await services.dialog.nodeStatistics(caller.accountId, params.InstanceId, params.JobGroupId), params.Limit);
  },
});

const describeIntentStatistics = defineAction({
  name: 'DescribeIntentStatistics', summary: 'Hits per intent (flow intents and global questions) over a group\'s answered calls.',
  params: inJobGroup({ Limit: p.integer({ min: 1, max: 1000, description: 'Most intents per list (default 5).' }) }),
  async handler({ caller, services }, params) {
    return intentStatisticsShape(await services.dialog.intentStatistics(caller.accountId, params.InstanceId, params.JobGroupId), params.Limit ?? 5);
  },
});

export const DIALOGUE_ACTIONS: readonly ActionDefinition[] = [dialogue, describeDialogueNodeStatistics, describeIntentStatistics];
