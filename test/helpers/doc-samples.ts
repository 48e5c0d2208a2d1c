import { readdirSync, readFileSync } from 'node:fs';

/**
 * The code blocks of README.md and docs/*.md, with what each one is for. A block is
 * marked by an HTML comment on the line right above its fence, which Markdown viewers
 * do not show:
 *
 *   <!-- sample: run [file.mjs] -->   js/mjs (as a .mjs file, with node) or sh (bash -e), run as pasted
 *   <!-- sample: serve -->            sh that starts the server: run until GET /healthz answers, then stopped
 *   <!-- sample: stdout -->           exactly what the `run` sample above it prints
 *   <!-- sample: check NAME -->       JSON given to the real parser or action NAME stands for (docs-samples.test.ts)
 *   <!-- sample: reply -->            JSON the `check` above it answers ("…" or a trailing "..." in a string matches anything)
 *   <!-- sample: output -->           what something prints, shown for reading (JSON must parse)
 *   <!-- sample: not-run: why -->     a command that cannot run in a test, and why
 *
 * Blocks tagged text (or not tagged) are prose: a directory tree, a table of figures.
 */
export type SampleMarker =
  | { kind: 'run'; file?: string }
  | { kind: 'serve' }
  | { kind: 'stdout' }
  | { kind: 'check'; name: string }
  | { kind: 'reply' }
  | { kind: 'output' }
  | { kind: 'not-run'; reason: string };

export interface DocBlock {
  /** The Markdown file, relative to the repository. */
  file: string;
  /** The line of the opening fence (1-based). */
  line: number;
  /** The fence's info string, lower-cased (`js`, `sh`, `json`, `text`, or empty). */
  lang: string;
  body: string;
  marker?: SampleMarker;
  /** A marker comment that could not be read. */
  badMarker?: string;
}

const ROOT = new URL('../../', import.meta.url);

/** The languages whose blocks are code someone pastes: each must carry a marker. */
export const CODE_LANGS = new Set(['js', 'mjs', 'javascript', 'ts', 'typescript', 'sh', 'bash', 'shell', 'console', 'json']);

/** A line of a text block that is a command to type, which must then be a tagged sample. */
export const COMMAND_LINE = /^\s*(npm|npx|node|curl|outboundbot|bash)\s|^\s*[A-Z][A-Z0-9_]*=\S*\s+(npm|npx|node|curl)\s/;

export function documentationFiles(): string[] {
  return ['README.md', ...readdirSync(new URL('docs/', ROOT)).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
}

export function readDocBlocks(file: string): DocBlock[] {
  const lines = readFileSync(new URL(file, ROOT), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([^`\s]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith(`${indent}${fence}`); i++) body.push(lines[i]!.slice(indent!.length));
    const block: DocBlock = { file, line: start + 1, lang: info!.toLowerCase(), body: body.join('\n') };
    const comment = /^\s*<!--\s*sample:\s*(.*?)\s*-->\s*$/.exec(lines[start - 1] ?? '');
    if (comment) {
      const marker = parseMarker(comment[1]!);
      if (marker) block.marker = marker;
      else block.badMarker = comment[1]!;
    }
    blocks.push(block);
  }
  return blocks;
}

function parseMarker(text: string): SampleMarker | undefined {
  const notRun = /^not-run:\s*(\S.*)$/.exec(text);
  if (notRun) return { kind: 'not-run', reason: notRun[1]! };
  const [kind, argument, ...rest] = text.split(/\s+/);
  if (rest.length > 0) return undefined;
  switch (kind) {
    case 'run':
      return argument === undefined || /^[\w.-]+\.(mjs|sh)$/.test(argument) ? { kind, file: argument } : undefined;
    case 'check':
      return argument ? { kind, name: argument } : undefined;
    case 'serve':
    case 'stdout':
    case 'reply':
    case 'output':
      return argument === undefined ? { kind } : undefined;
    default:
      return undefined;
  }
}

/** What is wrong with how a block is marked, or undefined when nothing is. */
export function markingProblem(block: DocBlock, previous: DocBlock | undefined): string | undefined {
  if (block.badMarker !== undefined) return `unreadable marker "sample: ${block.badMarker}"`;
  const marker = block.marker;
  if (!marker) {
    if (CODE_LANGS.has(block.lang)) return `a ${block.lang} block without a <!-- sample: ... --> marker: say whether it runs`;
    const command = block.body.split('\n').find((line) => COMMAND_LINE.test(line));
    return command === undefined ? undefined : `a command in a ${block.lang || 'untagged'} block ("${command.trim()}"): tag it sh and mark it`;
  }
  const js = ['js', 'mjs', 'javascript'].includes(block.lang);
  const sh = ['sh', 'bash', 'shell'].includes(block.lang);
  switch (marker.kind) {
    case 'run':
      if (!js && !sh) return `only js and sh blocks run, not ${block.lang || 'untagged'}`;
      if (marker.file && marker.file.endsWith('.mjs') !== js) return `${marker.file} does not fit a ${block.lang} block`;
      return undefined;
    case 'serve':
      return sh ? undefined : 'only an sh block can start the server';
    case 'not-run':
      return sh ? undefined : 'only commands (sh) may be left unrun';
    case 'check':
    case 'reply':
      if (block.lang !== 'json') return `${marker.kind} takes a json block`;
      if (marker.kind === 'reply' && previous?.marker?.kind !== 'check') return 'a reply must follow a check';
      return undefined;
    case 'stdout':
      return previous?.marker?.kind === 'run' ? undefined : 'stdout must follow a run sample';
    case 'output':
      return undefined;
  }
}

/** JSON of a sample that may be a bare `"Key": value` member, as docs show a part of a reply. */
export function parseSampleJson(body: string): unknown {
  const text = body.trim();
  return JSON.parse(text.startsWith('"') && /^"[^"]+"\s*:/.test(text) ? `{${text}}` : text);
}

/**
 * Where `actual` differs from the documented `expected`: every field the doc shows must be
 * there with the same value; a documented string "…" (or one ending in "...") stands for any value.
 */
export function replyMismatches(expected: unknown, actual: unknown, path = '$'): string[] {
  if (typeof expected === 'string' && (expected === '…' || expected.endsWith('...'))) {
    const prefix = expected === '…' ? '' : expected.slice(0, -3);
    return typeof actual === 'string' && actual.startsWith(prefix) ? [] : [`${path}: expected a string starting "${prefix}", got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((item, i) => replyMismatches(item, actual[i], `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      key in actual ? replyMismatches(value, (actual as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}: missing`],
    );
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}
