import { invalidParameter } from '../domain/errors.ts';

/**
 * ExportScript's file travels as a `data:` URL (the public API answers a download
 * URL; this server has no object store to put the file in), and ImportScript takes
 * that URL back, or the file's JSON itself. Remote URLs are never fetched.
 */
const DATA_URL_PREFIX = 'data:application/json;base64,';

export function scriptFileDataUrl(file: unknown): string {
  return DATA_URL_PREFIX + Buffer.from(JSON.stringify(file)).toString('base64');
}

/** The script file a SignatureUrl carries, parsed but not yet checked (readScriptFile does that). */
export function scriptFileFromUrl(signatureUrl: string): unknown {
  const source = signatureUrl.trim();
  let text: string;
  if (source.startsWith(DATA_URL_PREFIX)) text = Buffer.from(source.slice(DATA_URL_PREFIX.length), 'base64').toString('utf8');
  else if (source.startsWith('{')) text = source;
  else throw invalidParameter('SignatureUrl', 'give the data: URL ExportScript returned (or the file\'s JSON); remote URLs are not fetched');
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParameter('SignatureUrl', 'the file is not valid JSON');
  }
}
