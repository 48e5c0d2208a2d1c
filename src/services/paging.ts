import type { Page, PageRequest } from '../store/rows.ts';

/**
 * One page of a list already read whole: a script's draft items are few (the store
 * reads them all for every compile), so they are paged here rather than in SQL.
 */
export function pageOf<T>(items: readonly T[], { pageNumber, pageSize }: PageRequest): Page<T> {
  return { items: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), totalCount: items.length };
}
