import type { TaskExportFilter } from './file-store.ts';
import type { JobFilter, JobGroupFilter } from './store.ts';

/** How a backend binds what its SQL has no common parameter type for. */
export interface ParamCodec {
  /** A list of strings (SQLite: JSON text read by json_each; PostgreSQL: a text[]). */
  writeList(values: readonly string[]): unknown;
  /** A boolean (SQLite has no boolean: 1 or 0; PostgreSQL: itself). */
  writeFlag(value: boolean): unknown;
}

/**
 * The parameters of the list queries' filters, the same names on both backends: a
 * filter not given is NULL, which switches its condition off in the SQL.
 */
export function filterParams(codec: ParamCodec) {
  const list = (values: readonly string[] | undefined) => (values?.length ? codec.writeList(values) : null);
  const flag = (value: boolean | undefined) => (value === undefined ? null : codec.writeFlag(value));
  return {
    jobs: (instanceId: string, filter: JobFilter): Record<string, unknown> => ({
      instanceId,
      jobGroupId: filter.jobGroupId ?? null,
      statuses: list(filter.statuses),
      failureReason: filter.failureReason ?? null,
      phoneNumber: filter.phoneNumber ?? null,
      contactName: filter.contactName ?? null,
      createdFrom: filter.createdFrom ?? null,
      createdTo: filter.createdTo ?? null,
    }),

    jobGroups: (instanceId: string, filter: JobGroupFilter): Record<string, unknown> => ({
      instanceId,
      statuses: list(filter.statuses),
      searchText: filter.searchText || null,
      createdFrom: filter.createdFrom ?? null,
      createdTo: filter.createdTo ?? null,
      onlyMinConcurrency: codec.writeFlag(Boolean(filter.onlyMinConcurrencyEnabled)),
    }),

    taskExport: (instanceId: string, filter: TaskExportFilter): Record<string, unknown> => ({
      instanceId,
      jobGroupId: filter.jobGroupId ?? null,
      jobId: filter.jobId ?? null,
      taskId: filter.taskId ?? null,
      calledNumber: filter.calledNumber ?? null,
      callingNumber: filter.callingNumber ?? null,
      statuses: list(filter.statuses),
      actualFrom: filter.actualTimeFrom ?? null,
      actualTo: filter.actualTimeTo ?? null,
      answered: flag(filter.answered),
      talkFrom: filter.talkFrom ?? null,
      talkTo: filter.talkTo ?? null,
      ringingFrom: filter.ringingFrom ?? null,
      ringingTo: filter.ringingTo ?? null,
      reachedEnd: flag(filter.reachedEndOfFlow),
      jobStatuses: list(filter.jobStatuses),
      jobGroupName: filter.jobGroupName || null,
      scriptName: filter.scriptName || null,
    }),
  };
}
