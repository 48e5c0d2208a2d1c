import type { IdGenerator } from '../domain/ids.ts';
import type { Clock } from '../engine/clock.ts';
import type { Store } from '../store/store.ts';
import { AccessKeyService } from './access-key-service.ts';
import { BlockListService } from './block-list-service.ts';
import { DialogService } from './dialog-service.ts';
import { FileService } from './file-service.ts';
import { InstanceService } from './instance-service.ts';
import { JobGroupService } from './job-group-service.ts';
import { JobService } from './job-service.ts';
import { ScriptService } from './script-service.ts';

/** Lets services tell the engine that new work may be due (new jobs, a resumed group). */
export interface WorkSignal {
  wake(): void;
}

/** What every service needs; services are the only callers of the Store. */
export interface ServiceDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  /** Defaults to doing nothing (the virtual clock processes work when advanced). */
  work?: WorkSignal;
}

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
