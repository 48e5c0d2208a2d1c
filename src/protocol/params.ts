import type { z } from 'zod';
import { ApiError, invalidParameter, missingParameter } from '../domain/errors.ts';

/**
 * Request parameter declarations and their decoding from the wire.
 *
 * Both official clients send parameters as flat string pairs: arrays as
 * `Name.1=a&Name.2=b` (or, for some actions, one JSON string `Name=["a","b"]`),
 * arrays of objects as `Name.1.Key=v`, and JSON-valued parameters (StrategyJson ...)
 * as JSON text. An action declares what it accepts with the builders in `p`; the
 * gateway decodes and validates before the handler runs, so handlers see typed
 * values and every failure is a 400 naming the parameter.
 */
export type RawParams = ReadonlyMap<string, string>;

/** The type of a parameter as the reference JSON files spell it, for docs and drift checks. */
export type WireType = 'string' | 'number' | 'boolean' | { array: WireType | Record<string, WireType> };

export interface Param<T, R extends boolean = boolean, I = T> {
  readonly required: R;
  readonly wireType: WireType;
  readonly description: string;
  /** Set for string parameters whose value is a JSON document (StrategyJson ...). */
  readonly format?: 'json';
  /** The only values accepted, when the parameter is an enumeration. */
  readonly allowed?: readonly string[];
  /** A parameter whose presence excuses this required one (requireUnless). */
  readonly requiredUnless?: string;
  /** Decodes the parameter `name`; undefined when absent. Throws ApiError on bad input. */
  decode(name: string, raw: RawParams, options?: DecodeOptions): T | undefined;
  /**
   * Never set: the type a caller gives, where it differs from the decoded `T` (a JSON
   * document before its schema fills defaults in), for the typed client's requests.
   */
  readonly input?: I;
}

/** What the gateway decides for a request's parameters beyond their declarations. */
export interface DecodeOptions {
  /**
   * Told the keys of a JSON parameter that its declaration does not know (a typo such
   * as `maxAttemptPerDay`), as paths (`workingTime.0.begin`); it may throw to refuse them.
   */
  unknownKeys(parameter: string, keys: readonly string[]): void;
}

export type ParamSpecs = Record<string, Param<unknown>>;

export type Decoded<S extends ParamSpecs> = {
  [K in keyof S]: S[K] extends Param<infer T, infer R, any> ? (R extends true ? T : T | undefined) : never;
};

/** Longest string accepted where an action sets no limit of its own. */
const DEFAULT_MAX_LENGTH = 4096;
/** Most elements accepted in one flattened array where an action sets no limit. */
const DEFAULT_MAX_ITEMS = 1000;
/** Longest JSON-valued parameter accepted. */
const DEFAULT_MAX_JSON_LENGTH = 65536;

interface CommonOptions {
  description?: string;
}

interface StringOptions extends CommonOptions {
  maxLength?: number;
  oneOf?: readonly string[];
}

interface IntegerOptions extends CommonOptions {
  min?: number;
  max?: number;
}

interface ArrayOptions extends CommonOptions {
  maxItems?: number;
  maxLength?: number;
}

class Builder<T, R extends boolean, I = T> implements Param<T, R, I> {
  declare readonly input?: I;

  constructor(
    readonly required: R,
    readonly wireType: WireType,
    readonly description: string,
    private readonly decodeValue: (name: string, raw: RawParams, options?: DecodeOptions) => T | undefined,
    readonly format?: 'json',
    readonly allowed?: readonly string[],
    private readonly excused?: { by: string; absent: T },
  ) {}

  get requiredUnless(): string | undefined {
    return this.excused?.by;
  }

  decode(name: string, raw: RawParams, options?: DecodeOptions): T | undefined {
    const value = this.decodeValue(name, raw, options);
    if (value === undefined && this.excused && scalar(this.excused.by, raw) !== undefined) return this.excused.absent;
    if (value === undefined && this.required) throw missingParameter(name);
    return value;
  }

  /** The same parameter, but a request without it is refused with MissingParameter. */
  require(): Builder<T, true, I> {
    return new Builder<T, true, I>(true, this.wireType, this.description, this.decodeValue, this.format, this.allowed);
  }

  /**
   * Required (as the reference declares it), except in a request that gives `by`:
   * there a missing value decodes as `absent`. A generated SDK flattens an empty
   * list to no parameter at all, so an array the other parameter makes empty may
   * arrive as nothing.
   */
  requireUnless(by: string, absent: T): Builder<T, true, I> {
    return new Builder<T, true, I>(true, this.wireType, this.description, this.decodeValue, this.format, this.allowed, { by, absent });
  }
}

function scalar(name: string, raw: RawParams): string | undefined {
  const value = raw.get(name);
  return value === undefined || value === '' ? undefined : value;
}

function checkLength(name: string, value: string, maxLength: number): string {
  if (value.length > maxLength) throw invalidParameter(name, `longer than ${maxLength} characters`);
  return value;
}

function parseInteger(name: string, text: string, options: IntegerOptions): number {
  if (!/^-?\d{1,15}$/.test(text.trim())) throw invalidParameter(name, `expected an integer, got "${preview(text)}"`);
  const value = Number(text.trim());
  if (options.min !== undefined && value < options.min) throw invalidParameter(name, `must be at least ${options.min}`);
  if (options.max !== undefined && value > options.max) throw invalidParameter(name, `must be at most ${options.max}`);
  return value;
}

function parseBoolean(name: string, text: string): boolean {
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidParameter(name, `expected true or false, got "${preview(text)}"`);
}

/** Elements of `Name.1`, `Name.2` ... in index order, or of `Name` given as a JSON array. */
function collectArray(name: string, raw: RawParams, maxItems: number): unknown[] | undefined {
  const direct = raw.get(name);
  if (direct !== undefined && direct !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(direct);
    } catch {
      // A single bare value is the one-element array some hand-written callers send.
      return [direct];
    }
    if (!Array.isArray(parsed)) return [direct];
    if (parsed.length > maxItems) throw invalidParameter(name, `more than ${maxItems} items`);
    return parsed;
  }
  const prefix = `${name}.`;
  const byIndex = new Map<number, string>();
  for (const [key, value] of raw) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    if (!/^\d+$/.test(rest)) continue;
    const index = Number(rest);
    if (index < 1 || index > maxItems) throw invalidParameter(name, `index ${rest} is out of range 1..${maxItems}`);
    byIndex.set(index, value);
  }
  if (byIndex.size === 0) return undefined;
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** Turns a zod failure into one InvalidParameter message naming the field path. */
export function zodFailure(name: string, error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const path = issue?.path.length ? `${name}.${issue.path.map(String).join('.')}` : name;
  return invalidParameter(path, issue?.message ?? 'invalid value');
}

export const p = {
  string(options: StringOptions = {}) {
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    return new Builder<string, false>(false, 'string', options.description ?? '', (name, raw) => {
      const value = scalar(name, raw);
      if (value === undefined) return undefined;
      checkLength(name, value, maxLength);
      if (options.oneOf && !options.oneOf.includes(value)) {
        throw invalidParameter(name, `must be one of ${options.oneOf.join(', ')}`);
      }
      return value;
    }, undefined, options.oneOf);
  },

  /** A string where an empty value is meaningful (e.g. clearing a description). */
  text(options: StringOptions = {}) {
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    return new Builder<string, false>(false, 'string', options.description ?? '', (name, raw) => {
      const value = raw.get(name);
      return value === undefined ? undefined : checkLength(name, value, maxLength);
    });
  },

  integer(options: IntegerOptions = {}) {
    return new Builder<number, false>(false, 'number', options.description ?? '', (name, raw) => {
      const value = scalar(name, raw);
      return value === undefined ? undefined : parseInteger(name, value, options);
    });
  },

  boolean(options: CommonOptions = {}) {
    return new Builder<boolean, false>(false, 'boolean', options.description ?? '', (name, raw) => {
      const value = scalar(name, raw);
      return value === undefined ? undefined : parseBoolean(name, value);
    });
  },

  stringArray(options: ArrayOptions = {}) {
    const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    return new Builder<string[], false>(false, { array: 'string' }, options.description ?? '', (name, raw) => {
      const items = collectArray(name, raw, maxItems);
      return items?.map((item, i) => {
        if (typeof item !== 'string' && typeof item !== 'number') {
          throw invalidParameter(`${name}.${i + 1}`, 'expected a string');
        }
        return checkLength(`${name}.${i + 1}`, String(item), maxLength);
      });
    });
  },

  /** An array of objects with the given string fields, flattened as `Name.1.Key=v`. */
  objectArray<F extends string>(fields: readonly F[], options: ArrayOptions = {}) {
    const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    const wireType = { array: Object.fromEntries(fields.map((f) => [f, 'string'])) as Record<string, WireType> };
    return new Builder<Array<Partial<Record<F, string>>>, false>(false, wireType, options.description ?? '', (name, raw) => {
      const byIndex = new Map<number, Partial<Record<F, string>>>();
      const prefix = `${name}.`;
      for (const [key, value] of raw) {
        if (!key.startsWith(prefix)) continue;
        const match = /^(\d+)\.(.+)$/.exec(key.slice(prefix.length));
        if (!match) throw invalidParameter(key, `expected ${name}.N.Field`);
        const index = Number(match[1]);
        if (index < 1 || index > maxItems) throw invalidParameter(name, `index ${match[1]} is out of range 1..${maxItems}`);
        const field = match[2] as F;
        if (!fields.includes(field)) throw invalidParameter(key, `unknown field; use ${fields.join(', ')}`);
        const item: Partial<Record<F, string>> = byIndex.get(index) ?? {};
        item[field] = checkLength(key, value, maxLength);
        byIndex.set(index, item);
      }
      if (byIndex.size === 0) return undefined;
      return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
    });
  },

  /**
   * An array of JSON documents: `Name.1`, `Name.2` ... each one JSON string (as the
   * clients flatten JobsJson), or `Name` as one JSON array of objects or strings.
   */
  jsonArray<T, I>(schema: z.ZodType<T, I>, options: ArrayOptions = {}) {
    const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
    const maxLength = options.maxLength ?? DEFAULT_MAX_JSON_LENGTH;
    return new Builder<T[], false, I[]>(
      false,
      { array: 'string' },
      options.description ?? '',
      (name, raw) => {
        const items = collectArray(name, raw, maxItems);
        return items?.map((item, i) => {
          const label = `${name}.${i + 1}`;
          if (typeof item === 'string') return parseJson(label, checkLength(label, item, maxLength), schema);
          const result = schema.safeParse(item);
          if (!result.success) throw zodFailure(label, result.error);
          return result.data;
        });
      },
      'json',
    );
  },

  /**
   * A JSON document sent as one string parameter, validated by a zod schema.
   * `unknownKeys` lists the keys of a document that no one knows (zod drops them
   * silently), for the gateway's DecodeOptions to report or refuse.
   */
  json<T, I>(schema: z.ZodType<T, I>, options: CommonOptions & { maxLength?: number; unknownKeys?: (document: unknown) => string[] } = {}) {
    const maxLength = options.maxLength ?? DEFAULT_MAX_JSON_LENGTH;
    const findUnknown = options.unknownKeys;
    return new Builder<T, false, I>(false, 'string', options.description ?? '', (name, raw, decodeOptions) => {
      const text = scalar(name, raw);
      if (text === undefined) return undefined;
      checkLength(name, text, maxLength);
      const report = findUnknown && decodeOptions ? (document: unknown) => {
        const unknown = findUnknown(document);
        if (unknown.length > 0) decodeOptions.unknownKeys(name, unknown);
      } : undefined;
      return parseJson(name, text, schema, report);
    }, 'json');
  },
};

/** Parses and validates a JSON parameter; `inspect` sees the document first, as sent. */
export function parseJson<T>(name: string, text: string, schema: z.ZodType<T>, inspect?: (document: unknown) => void): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidParameter(name, 'not valid JSON');
  }
  inspect?.(value);
  const result = schema.safeParse(value);
  if (!result.success) throw zodFailure(name, result.error);
  return result.data;
}

/** Decodes every declared parameter; undeclared ones (common signing parameters ...) are ignored. */
export function decodeParams<S extends ParamSpecs>(specs: S, raw: RawParams, options?: DecodeOptions): Decoded<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.decode(name, raw, options);
  return out as Decoded<S>;
}
