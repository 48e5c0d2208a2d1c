import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = new URL('../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** Debian's chromium, installed by .ci/run; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
/**
 * Where the test run writes its screenshots: those docs/console.md shows when
 * UPDATE_SCREENSHOTS=1 (they carry ids that change each run, so a plain `npm test`
 * leaves the checkout as it was), else a folder of the temp dir.
 */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/console') : scratchFolder();

function scratchFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outboundbot-console-shots-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Builds the console as `npm install` does (`npm run build:console`), so the test
 * serves what the current sources make, not a stale build, and returns the gzipped
 * size of the first load's script (every JS file of the build: all of it loads).
 */
export function buildConsole(): { gzippedScriptBytes: number } {
  const built = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`console build failed:\n${built.stdout}\n${built.stderr}`);
  const assets = join(ROOT, 'console/dist/assets');
  let gzippedScriptBytes = 0;
  for (const name of readdirSync(assets)) if (name.endsWith('.js')) gzippedScriptBytes += gzipSync(readFileSync(join(assets, name))).length;
  return { gzippedScriptBytes };
}

export function launchChromium(): Promise<Browser> {
  // The runner is root in CI, where chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** Every console error and uncaught exception of the page, to assert there are none. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
}

/**
 * The axe-core violations of the page as it is now (WCAG 2.1 A and AA rules), as
 * "rule: target" lines. axe is injected through the DevTools protocol, which the
 * console's Content-Security-Policy does not apply to.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
  return violations;
}
