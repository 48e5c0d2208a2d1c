import type { InstanceService } from '../instance-service.ts';
import type { FileSettings } from './file-settings.ts';
import type { FileTaskQueue } from './file-task-queue.ts';
import type { UploadService } from './upload-service.ts';

/** What the parse, assign and export services are built with besides the ServiceDeps (services.ts makes one). */
export interface FileTaskContext {
  settings: FileSettings;
  instances: InstanceService;
  /** Signs the download URLs of task outputs. */
  uploads: UploadService;
  queue: FileTaskQueue;
}
