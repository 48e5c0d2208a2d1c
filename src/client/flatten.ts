/**
 * Request parameters as the official clients put them on the wire
 * (@alicloud/openapi-core's OpenApiUtil.query): arrays as `Name.1`, `Name.2` ...,
 * objects as `Name.Key`, nested to any depth, every leaf as its string; absent
 * (undefined or null) values are left out, and an array's indexes stay those of its
 * elements. JSON-valued parameters (StrategyJson, each JobsJson element) are sent as
 * their JSON text, as the official clients' users write them.
 */
export function flattenParameters(request: object, jsonParameters: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(request)) {
    put(out, name, jsonParameters.includes(name) ? asJsonText(value) : value);
  }
  return out;
}

function asJsonText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' || item == null ? item : JSON.stringify(item)));
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
}

function put(out: Map<string, string>, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => put(out, `${key}.${i + 1}`, item));
  } else if (typeof value === 'object') {
    for (const [field, item] of Object.entries(value)) put(out, `${key}.${field}`, item);
  } else {
    out.set(key, String(value));
  }
}
