import { readFileSync } from 'node:fs';

/**
 * Readers for the repository's reference/ folder (the public API's facts, copied in so
 * that a clone needs nothing beside it): the per-action JSON facts and the seed page of
 * GetJobGroup, plus shape comparison (field names and JSON types, nested).
 */
export const REFERENCE_DIR = new URL('../../reference/', import.meta.url);

export type RefType = string | { array: RefType } | Record<string, { type: RefType; required?: boolean }>;

export interface ReferenceAction {
  method: string;
  request: Record<string, { type: RefType; required?: boolean; example?: string }>;
  response: Record<string, { type: RefType }>;
  jsonEncodedParams: string[];
}

export function referenceAction(name: string): ReferenceAction {
  return JSON.parse(readFileSync(new URL(`outboundbot-2019-12-26/${name}.json`, REFERENCE_DIR), 'utf8'));
}

/** The normal-response JSON example printed on the seed page. */
export function seedExample(): Record<string, unknown> {
  const text = readFileSync(new URL('GetJobGroup.seed.txt', REFERENCE_DIR), 'utf8');
  const start = text.indexOf('{', text.indexOf('JSON格式'));
  const end = text.indexOf('错误码', start);
  return JSON.parse(text.slice(start, text.lastIndexOf('}', end) + 1));
}

/** The error codes the seed page lists, with their HTTP status. */
export function seedErrors(): Array<{ status: number; code: string }> {
  const text = readFileSync(new URL('GetJobGroup.seed.txt', REFERENCE_DIR), 'utf8');
  return [...text.matchAll(/^\| (\d{3}) \| ([A-Za-z.]+) \|/gm)].map((m) => ({ status: Number(m[1]), code: m[2]! }));
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/**
 * Every field of `example` (recursively) that `actual` lacks or holds with another
 * JSON type. Array elements are compared when both sides have some.
 */
export function mismatchesAgainstExample(example: unknown, actual: unknown, path = '$'): string[] {
  const want = jsonType(example);
  const got = jsonType(actual);
  if (want !== got) return [`${path}: expected ${want}, got ${got}`];
  if (want === 'array') {
    const [first] = example as unknown[];
    if (first === undefined) return [];
    return (actual as unknown[]).flatMap((item, i) => mismatchesAgainstExample(first, item, `${path}[${i}]`));
  }
  if (want === 'object') {
    return Object.entries(example as Record<string, unknown>).flatMap(([key, value]) =>
      key in (actual as object) ? mismatchesAgainstExample(value, (actual as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}: missing`],
    );
  }
  return [];
}

/** The same check against a reference `response` type tree. */
export function mismatchesAgainstTree(tree: Record<string, { type: RefType }>, actual: unknown, path = '$'): string[] {
  if (jsonType(actual) !== 'object') return [`${path}: expected object, got ${jsonType(actual)}`];
  const record = actual as Record<string, unknown>;
  return Object.entries(tree).flatMap(([key, field]) =>
    key in record ? mismatchesAgainstType(field.type, record[key], `${path}.${key}`) : [`${path}.${key}: missing`],
  );
}

function mismatchesAgainstType(type: RefType, actual: unknown, path: string): string[] {
  if (typeof type === 'string') {
    const expected = type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'string';
    return jsonType(actual) === expected ? [] : [`${path}: expected ${expected}, got ${jsonType(actual)}`];
  }
  if ('array' in type && Object.keys(type).length === 1) {
    if (!Array.isArray(actual)) return [`${path}: expected array, got ${jsonType(actual)}`];
    const element = (type as { array: RefType }).array;
    return actual.flatMap((item, i) =>
      typeof element === 'string' || 'array' in element ? mismatchesAgainstType(element, item, `${path}[${i}]`) : mismatchesAgainstTree(element as Record<string, { type: RefType }>, item, `${path}[${i}]`),
    );
  }
  return mismatchesAgainstTree(type as Record<string, { type: RefType }>, actual, path);
}
