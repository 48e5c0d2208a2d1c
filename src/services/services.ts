import { NumberDirectory } from '../telephony/number-directory.ts';
import { AccessKeyService } from './access-key-service.ts';
import { BlockListService } from './block-list-service.ts';
import { CallHistoryService } from './call-history-service.ts';
import { InstancePolicyService } from './instance-policy-service.ts';
import { DialogService } from './dialog-service.ts';
import { AssignService } from './files/assign-task.ts';
import { ExportService } from './files/export-task.ts';
import type { FileSettings } from './files/file-settings.ts';
import { FileTaskQueue } from './files/file-task-queue.ts';
import { ParsingService } from './files/parse-task.ts';
import { UploadService } from './files/upload-service.ts';
import { RecordingFiles } from '../files/recording-files.ts';
import { InstanceService } from './instance-service.ts';
import { JobGroupService } from './job-group-service.ts';
import { JobService } from './job-service.ts';
import { NumberBindingService } from './number-binding-service.ts';
import { NumberPoolService, type NumberPoolSettings } from './number-pool-service.ts';
import { JobResultService } from './job-result-service.ts';
import { RecordingService } from './recordings/recording-service.ts';
import { ScriptService } from './script-service.ts';
import type { ServiceDeps } from './service-deps.ts';

export type { ServiceDeps, WorkSignal } from './service-deps.ts';
export type { FileSettings } from './files/file-settings.ts';
export type { NumberPoolSettings } from './number-pool-service.ts';

export interface Services {
  accessKeys: AccessKeyService;
  instances: InstanceService;
  scripts: ScriptService;
  jobGroups: JobGroupService;
  jobs: JobService;
  /** QueryJobsWithResult: a group's jobs with their latest call's result. */
  jobResults: JobResultService;
  /** Signed uploads of contact files and signed downloads of task outputs. */
  uploads: UploadService;
  parsing: ParsingService;
  exports: ExportService;
  /** The background file work: started once the server listens, stopped before it closes. */
  fileTasks: FileTaskQueue;
  dialog: DialogService;
  blockList: BlockListService;
  /** The tenant's calling-number pool, as the operator keeps it (the CLI). */
  numberPool: NumberPoolService;
  /** Which pool numbers each instance calls from (the API). */
  numberBindings: NumberBindingService;
  /** The instance's calls: SearchTask, GetTaskByUuid. */
  callHistory: CallHistoryService;
  instancePolicy: InstancePolicyService;
  /** DownloadRecording's signed URLs and the recordings they serve. */
  recordings: RecordingService;
}

/**
 * Builds every service over one set of deps. `files` carries the task queue the
 * file pipeline runs on, built by the caller (the composition root, a test or a
 * benchmark); nothing runs on it until `fileTasks.start()`. `numbers` says where pool
 * numbers' regions come from and which test numbers new instances get (none unless given).
 */
export function createServices(deps: ServiceDeps, files: FileSettings, numbers: NumberPoolSettings = { regions: new NumberDirectory() }): Services {
  const recordingFiles = new RecordingFiles(files.dataDir);
  const numberPool = new NumberPoolService(deps, numbers);
  const instances = new InstanceService(deps, recordingFiles, numberPool);
  const scripts = new ScriptService(deps, instances);
  const fileTasks = new FileTaskQueue(deps, files);
  const uploads = new UploadService(deps, files, instances);
  const context = { settings: files, instances, uploads, queue: fileTasks };
  const assignments = new AssignService(deps, context);
  const parsing = new ParsingService(deps, context);
  const exports = new ExportService(deps, context);
  fileTasks.register('Parse', (taskId) => parsing.run(taskId));
  fileTasks.register('Assign', (taskId) => assignments.run(taskId));
  fileTasks.register('GroupExport', (taskId) => exports.run(taskId));
  fileTasks.register('TaskExport', (taskId) => exports.run(taskId));
  return {
    accessKeys: new AccessKeyService(deps),
    instances,
    scripts,
    jobGroups: new JobGroupService(deps, instances, scripts, recordingFiles),
    jobs: new JobService(deps, instances, assignments),
    jobResults: new JobResultService(deps, instances),
    uploads,
    parsing,
    exports,
    fileTasks,
    dialog: new DialogService(deps, instances, scripts),
    blockList: new BlockListService(deps, instances),
    numberPool,
    numberBindings: new NumberBindingService(deps, instances, numberPool),
    callHistory: new CallHistoryService(deps, instances),
    instancePolicy: new InstancePolicyService(deps, instances),
    recordings: new RecordingService(deps, instances, uploads, recordingFiles),
  };
}
