import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTIONS } from '../src/protocol/registry.ts';
import { CLIENT_DECLARATIONS, renderClientDeclarations } from './client-declarations.ts';

writeFileSync(CLIENT_DECLARATIONS, renderClientDeclarations());
process.stdout.write(`wrote ${fileURLToPath(CLIENT_DECLARATIONS)} (${ACTIONS.length} actions)\n`);
