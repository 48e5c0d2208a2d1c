import { matchKey } from '../domain/phone-number.ts';
import type { TaskExportFilter } from './file-store.ts';
import type { InstanceFilter, JobFilter, JobGroupFilter, ScriptFilter } from './store.ts';
import type { TaskFilterKey, TaskSearchFilter } from './task-search.ts';

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
/** The named fields of a filter, each NULL when not given. */
function orNull<T extends object, K extends keyof T>(filter: T, keys: readonly K[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, filter[key] ?? null]));
}

export function filterParams(codec: ParamCodec) {
  const list = (values: readonly string[] | undefined) => (values?.length ? codec.writeList(values) : null);
  const flag = (value: boolean | undefined) => (value === undefined ? null : codec.writeFlag(value));
  return {
    jobs: (instanceId: string, filter: JobFilter): Record<string, unknown> => ({
      instanceId,
      ...orNull(filter, ['jobGroupId', 'failureReason', 'phoneNumber', 'contactName', 'createdFrom', 'createdTo']),
      // A contact matches by the canonical form it carries (e164), or, stored before
      // contacts carried one, by its number as written.
      phoneNumberKey: filter.phoneNumber === undefined ? null : matchKey(filter.phoneNumber),
      statuses: list(filter.statuses),
    }),

    jobGroups: (instanceId: string, filter: JobGroupFilter): Record<string, unknown> => ({
      instanceId,
      ...orNull(filter, ['createdFrom', 'createdTo']),
      statuses: list(filter.statuses),
      searchText: filter.searchText || null,
      onlyMinConcurrency: codec.writeFlag(Boolean(filter.onlyMinConcurrencyEnabled)),
    }),

    instances: (accountId: string, filter: InstanceFilter): Record<string, unknown> => ({ accountId, ...orNull(filter, ['name', 'resourceGroupId']) }),

    scripts: (instanceId: string, filter: ScriptFilter): Record<string, unknown> => ({ instanceId, ...orNull(filter, ['name', 'nluEngine']) }),

    taskExport: (instanceId: string, filter: TaskExportFilter): Record<string, unknown> => ({
      instanceId,
      ...orNull(filter, ['jobGroupId', 'jobId', 'taskId', 'calledNumber', 'callingNumber', 'talkFrom', 'talkTo', 'ringingFrom', 'ringingTo']),
      statuses: list(filter.statuses),
      jobStatuses: list(filter.jobStatuses),
      actualFrom: filter.actualTimeFrom ?? null,
      actualTo: filter.actualTimeTo ?? null,
      answered: flag(filter.answered),
      reachedEnd: flag(filter.reachedEndOfFlow),
      jobGroupName: filter.jobGroupName || null,
      scriptName: filter.scriptName || null,
    }),

    /** SearchTask's: the instance and each given filter under its own name (task-search.ts writes only their conditions). */
    taskSearch: (instanceId: string, filter: TaskSearchFilter, given: readonly TaskFilterKey[]): Record<string, unknown> => {
      const params: Record<string, unknown> = { instanceId };
      for (const key of given) params[key] = key === 'statuses' || key === 'jobStatuses' ? list(filter[key]) : filter[key];
      return params;
    },
  };
}
