import type { ActionDefinition } from './action.ts';
import * as instances from './actions/instances.ts';
import * as jobGroups from './actions/job-groups.ts';
import * as jobs from './actions/jobs.ts';
import * as reports from './actions/reports.ts';
import * as scripts from './actions/scripts.ts';
import { DIALOG_ACTIONS } from './actions/dialog-actions.ts';
import { FILE_ACTIONS } from './actions/file-actions.ts';

/**
 * Every supported action. docs/api.md is generated from this list
 * (npm run docs:api), and tests check it against reference/.
 */
export const ACTIONS: readonly ActionDefinition[] = [
  instances.createInstance,
  instances.describeInstance,
  instances.listInstances,
  instances.modifyInstance,
  instances.deleteInstance,
  scripts.createScript,
  scripts.describeScript,
  scripts.listScripts,
  scripts.modifyScript,
  scripts.deleteScript,
  scripts.publishScript,
  scripts.listScriptPublishHistories,
  jobGroups.createJobGroup,
  jobGroups.getJobGroup,
  jobGroups.describeJobGroup,
  jobGroups.listJobGroups,
  jobGroups.modifyJobGroup,
  jobGroups.deleteJobGroup,
  jobs.assignJobs,
  jobs.describeJob,
  jobs.listJobs,
  jobs.listJobsByGroup,
  jobs.queryJobs,
  jobs.suspendJobs,
  jobs.resumeJobs,
  jobs.cancelJobs,
  jobs.getCurrentConcurrency,
  jobs.getConcurrentConversationQuota,
  reports.describeGroupExecutingInfo,
  reports.getSummaryInfo,
  ...DIALOG_ACTIONS,
  ...FILE_ACTIONS,
] as unknown as readonly ActionDefinition[];
