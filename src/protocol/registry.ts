import type { ActionDefinition } from './action.ts';
import { BLOCK_LIST_ACTIONS } from './actions/block-list.ts';
import { CALLING_NUMBER_ACTIONS } from './actions/calling-numbers.ts';
import { CALL_HISTORY_ACTIONS } from './actions/call-history.ts';
import { DIALOGUE_FLOW_ACTIONS } from './actions/dialogue-flows.ts';
import { DIALOGUE_ACTIONS } from './actions/dialogue.ts';
import { FILE_ACTIONS } from './actions/file-actions.ts';
import { GLOBAL_QUESTION_ACTIONS } from './actions/global-questions.ts';
import { INSTANCE_ACTIONS } from './actions/instances.ts';
import { INSTANCE_POLICY_ACTIONS } from './actions/instance-policy.ts';
import { INTENT_ACTIONS } from './actions/intents.ts';
import { JOB_GROUP_ACTIONS } from './actions/job-groups.ts';
import { JOB_ACTIONS } from './actions/jobs.ts';
import { JOB_RESULT_ACTIONS } from './actions/job-results.ts';
import { RECORDING_ACTIONS } from './actions/recordings.ts';
import { REPORT_ACTIONS } from './actions/reports.ts';
import { SCRIPT_TRANSFER_ACTIONS } from './actions/script-transfer.ts';
import { SCRIPT_ACTIONS } from './actions/scripts.ts';

/**
 * Every supported action: each module of src/protocol/actions/ holds one family and
 * exports its list. docs/api.md is generated from this list (npm run docs:api), and
 * test/unit/registry.test.ts checks each action against reference/.
 */
export const ACTIONS: readonly ActionDefinition[] = [
  ...INSTANCE_ACTIONS,
  ...INSTANCE_POLICY_ACTIONS,
  ...SCRIPT_ACTIONS,
  ...JOB_GROUP_ACTIONS,
  ...JOB_ACTIONS,
  ...JOB_RESULT_ACTIONS,
  ...REPORT_ACTIONS,
  ...DIALOGUE_FLOW_ACTIONS,
  ...INTENT_ACTIONS,
  ...GLOBAL_QUESTION_ACTIONS,
  ...SCRIPT_TRANSFER_ACTIONS,
  ...DIALOGUE_ACTIONS,
  ...BLOCK_LIST_ACTIONS,
  ...FILE_ACTIONS,
  ...CALLING_NUMBER_ACTIONS,
  ...CALL_HISTORY_ACTIONS,
  ...RECORDING_ACTIONS,
];
