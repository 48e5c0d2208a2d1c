import { writeFileSync } from 'node:fs';
import { renderApiDocs } from '../src/protocol/api-docs.ts';
import { ACTIONS } from '../src/protocol/registry.ts';

const target = new URL('../docs/api.md', import.meta.url);
writeFileSync(target, renderApiDocs(ACTIONS));
process.stdout.write(`wrote ${target.pathname} (${ACTIONS.length} actions)\n`);
