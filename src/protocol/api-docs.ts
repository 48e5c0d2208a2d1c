import { ramActionOf, type ActionDefinition } from './action.ts';
import type { WireType } from './params.ts';

/**
 * Renders docs/api.md from the action registry, so the documented actions and
 * parameters are exactly the ones the gateway accepts. Regenerate with
 * `npm run docs:api`; test/unit/api-docs.test.ts fails when the file is stale.
 */
export function renderApiDocs(actions: readonly ActionDefinition[]): string {
  const sorted = [...actions].sort((a, b) => a.name.localeCompare(b.name));
  const lines = [
    '# Supported actions',
    '',
    '<!-- Generated from src/protocol/registry.ts by `npm run docs:api`. Do not edit by hand. -->',
    '',
    'Every action is called on `/` (GET or POST) with `Version=2019-12-26`, signed with',
    'signature v1 (HMAC-SHA1) or ACS3-HMAC-SHA256, exactly as the official Alibaba Cloud',
    'clients send it. Arrays are flattened as `Name.1`, `Name.2` ... (a JSON array string is',
    'accepted too); `(JSON)` parameters are one JSON-encoded string. Errors are listed in',
    '[errors.md](errors.md).',
    '',
    `${sorted.length} actions:`,
    '',
    ...sorted.map((action) => `- [${action.name}](#${action.name.toLowerCase()}): ${action.summary}`),
    '',
  ];
  for (const action of sorted) {
    lines.push(`## ${action.name}`, '', action.summary, '', `RAM action: \`${ramActionOf(action)}\``, '');
    const params = Object.entries(action.params);
    if (params.length === 0) {
      lines.push('No parameters.', '');
      continue;
    }
    lines.push('| parameter | type | required | description |', '|---|---|---|---|');
    for (const [name, spec] of params) {
      const allowed = spec.allowed ? ` One of: ${spec.allowed.map((v) => `\`${v}\``).join(', ')}.` : '';
      lines.push(`| ${name} | ${typeName(spec.wireType, spec.format)} | ${spec.required ? 'yes' : 'no'} | ${spec.description.replace(/\|/g, '\\|')}${allowed} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function typeName(type: WireType, format: 'json' | undefined): string {
  if (typeof type === 'string') return format === 'json' ? 'string (JSON)' : type;
  if ('array' in type) return `array of ${typeof type.array === 'string' ? type.array : 'object'}`;
  return 'object';
}
