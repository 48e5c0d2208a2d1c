import { AccessKeyService } from './access-key-service.ts';
import { BlockListService } from './block-list-service.ts';
import { DialogService } from './dialog-service.ts';
import { FileService } from './file-service.ts';
import { InstanceService } from './instance-service.ts';
import { JobGroupService } from './job-group-service.ts';
import { JobService } from './job-service.ts';
import { ScriptService } from './script-service.ts';
import type { ServiceDeps } from './service-deps.ts';

export type { ServiceDeps, WorkSignal } from './service-deps.ts';

export interface Services {
  accessKeys: AccessKeyService;
  instances: InstanceService;
  scripts: ScriptService;
  jobGroups: JobGroupService;
  jobs: JobService;
  files: FileService;
  dialog: DialogService;
  blockList: BlockListService;
}

export function createServices(deps: ServiceDeps): Services {
  const instances = new InstanceService(deps);
  const scripts = new ScriptService(deps, instances);
  const files = new FileService(deps, instances);
  return {
    accessKeys: new AccessKeyService(deps),
    instances,
    scripts,
    jobGroups: new JobGroupService(deps, instances, scripts),
    jobs: new JobService(deps, instances, files),
    files,
    dialog: new DialogService(deps, instances, scripts),
    blockList: new BlockListService(deps, instances),
  };
}
