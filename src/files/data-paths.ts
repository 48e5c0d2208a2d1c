import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Where the file pipeline keeps files: everything under `<dataDir>/files/`.
 * Keys (upload keys, task outputs) are relative, `/`-separated, and never leave
 * that folder: `..` segments, absolute paths, backslashes, control characters and
 * empty segments are refused before any path is built.
 */
export const FILES_FOLDER = 'files';

/** Longest key accepted (OSS allows 1023 bytes). */
export const MAX_KEY_LENGTH = 1023;

export class UnsafeKeyError extends Error {}

/** Throws UnsafeKeyError unless `key` is a safe relative key. */
export function checkKey(key: string): string {
  if (key.length === 0 || Buffer.byteLength(key) > MAX_KEY_LENGTH) throw new UnsafeKeyError('the key must be 1 to 1023 bytes');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) throw new UnsafeKeyError('the key holds a control character or a backslash');
  if (key.startsWith('/') || isAbsolute(key) || /^[A-Za-z]:/.test(key)) throw new UnsafeKeyError('the key must be relative');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new UnsafeKeyError('the key has an empty, "." or ".." segment');
  }
  return key;
}

/** The absolute path of a checked key, verified once more to sit inside `<dataDir>/files/`. */
export function pathOfKey(dataDir: string, key: string): string {
  checkKey(key);
  const root = resolve(dataDir, FILES_FOLDER);
  const path = resolve(root, ...key.split('/'));
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) throw new UnsafeKeyError('the key leaves the data dir');
  return path;
}

export function filesRoot(dataDir: string): string {
  return join(resolve(dataDir), FILES_FOLDER);
}
