/** The values in their first-seen order, each once (calling-number lists as users give them). */
export function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}
