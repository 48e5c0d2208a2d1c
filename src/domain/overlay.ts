/**
 * The named fields of a Modify* change laid over the current record's: a field
 * the change leaves undefined keeps its current value. One rule for every
 * resource a caller may change in part (instances, scripts, job groups).
 */
export function overlay<T, K extends keyof T>(current: T, change: { readonly [P in K]?: T[P] }, fields: readonly K[]): Pick<T, K> {
  const result = {} as Pick<T, K>;
  for (const field of fields) result[field] = change[field] ?? current[field];
  return result;
}
