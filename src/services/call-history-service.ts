import { ApiError } from '../domain/errors.ts';
import { matchKey } from '../domain/phone-number.ts';
import type { Page, PageRequest, TaskRow } from '../store/rows.ts';
import type { TaskSearchFilter, TaskSearchRow, TaskSort } from '../store/task-search.ts';
import type { InstanceService } from './instance-service.ts';
import type { ServiceDeps } from './service-deps.ts';

/** A label a call must carry (SearchTask's LabelsJson): its name and value. */
export interface LabelCondition {
  name: string;
  value: string;
}

/** SearchTask's filter as the client gives it: the callee as written, labels by name and value. */
export type CallSearchFilter = Omit<TaskSearchFilter, 'calledKey'> & { calledNumber?: string; labels?: LabelCondition[] };

/** The instance's call history: SearchTask and GetTaskByUuid. */
export class CallHistoryService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
  ) {}

  async search(accountId: string, instanceId: string, input: CallSearchFilter, sort: TaskSort, page: PageRequest): Promise<Page<TaskSearchRow>> {
    await this.instances.require(accountId, instanceId);
    const { calledNumber, labels, ...filter } = input;
    // No call carries labels yet (a script's results are tallied per group, not kept
    // per call), so a call that must carry one is none of them.
    if (labels?.length) return { items: [], totalCount: 0 };
    // Any written form of the callee finds its calls: tasks are matched by their contact's E.164 key.
    const calledKey = calledNumber?.trim() ? matchKey(calledNumber) : undefined;
    return this.deps.store.searchTasks(instanceId, { ...filter, calledKey }, sort, page);
  }

  async find(accountId: string, instanceId: string, taskId: string): Promise<TaskRow> {
    await this.instances.require(accountId, instanceId);
    const task = await this.deps.store.findTask(instanceId, taskId);
    if (!task) throw new ApiError('NotExist.Task', 'The specified call task does not exist.');
    return task;
  }
}
