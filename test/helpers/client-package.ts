import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * The package as a Node user installs it, in a folder of its own: package.json and
 * the JavaScript `npm run build:client` writes (the same tsconfig.client.json, into
 * this folder's dist/, so tests running at once never write over each other's
 * files). No src/, no node_modules: whatever the client imports must be in dist/.
 */
export async function buildClientPackage(): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'outboundbot-package-'));
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.client.json'), '--outDir', join(dir, 'dist')], { cwd: ROOT });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A node_modules folder for a reader's project: this repository's packages (the
 * official clients ...) and `outboundbot` itself, installed from `packageDir`.
 */
export function projectModules(target: string, packageDir: string): void {
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== 'outboundbot') symlinkSync(join(ROOT, 'node_modules', name), join(target, name));
  }
  symlinkSync(packageDir, join(target, 'outboundbot'));
}
