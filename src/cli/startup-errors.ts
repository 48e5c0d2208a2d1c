import { relative, isAbsolute } from 'node:path';
import type { Config } from '../config/config.ts';

/**
 * Why `outboundbot serve` could not start, in one line an operator can act on: what
 * happened and which variable to change. Only the failures a setting causes are
 * explained (the port, the data dir, the PostgreSQL server); anything else is a bug
 * and keeps its stack trace.
 */
export function explainStartupError(error: unknown, config: Pick<Config, 'host' | 'port' | 'dataDir' | 'databaseUrl'>): string | undefined {
  const failure = error as { code?: unknown; syscall?: unknown; path?: unknown; message?: unknown };
  const code = typeof failure?.code === 'string' ? failure.code : undefined;
  // A refused connection to every address of a name is an AggregateError with an empty message.
  const message = (typeof failure?.message === 'string' && failure.message) || code || String(error);
  if (failure?.syscall === 'listen') return explainListen(code, config);
  if (config.databaseUrl !== undefined && isDatabaseConnectionError(code)) {
    return `cannot connect to PostgreSQL at ${serverOf(config.databaseUrl)}: ${message}; check that it runs, or change OUTBOUNDBOT_DATABASE_URL (unset uses the embedded SQLite store)`;
  }
  if (isDataDirError(failure, code, config)) {
    return `cannot use the data dir ${config.dataDir}: ${message}; set OUTBOUNDBOT_DATA_DIR to a directory outboundbot can create and write`;
  }
  return undefined;
}

function explainListen(code: string | undefined, config: Pick<Config, 'host' | 'port'>): string {
  const address = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${address}: the port is already in use; set OUTBOUNDBOT_PORT to a free port (0 picks one) or stop the other process`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${address}: that address is not on this machine; set OUTBOUNDBOT_HOST to one of its addresses (127.0.0.1, 0.0.0.0)`;
    case 'EACCES':
      return `cannot listen on ${address}: not allowed to bind that port; set OUTBOUNDBOT_PORT to a port above 1023`;
    default:
      return `cannot listen on ${address}: ${code ?? 'unknown error'}; check OUTBOUNDBOT_HOST and OUTBOUNDBOT_PORT`;
  }
}

/** Socket errors of a server that is down or unknown, and the SQLSTATEs of one that refuses us (classes 08, 28, 3D). */
function isDatabaseConnectionError(code: string | undefined): boolean {
  if (code === undefined) return false;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(code)) return true;
  return /^(08|28|3D)[0-9A-Z]{3}$/.test(code);
}

/** The host and port of a database URL, never its password. */
function serverOf(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  } catch {
    return 'OUTBOUNDBOT_DATABASE_URL';
  }
}

/** A file-system error on the data dir or a folder above it, or SQLite unable to open or write its file there. */
function isDataDirError(failure: { path?: unknown }, code: string | undefined, config: Pick<Config, 'dataDir'>): boolean {
  if (code?.startsWith('SQLITE_CANTOPEN') || code?.startsWith('SQLITE_READONLY') || code === 'SQLITE_FULL') return true;
  if (typeof failure.path !== 'string') return false;
  const path = failure.path;
  const inside = (child: string, parent: string) => {
    const rel = relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  return inside(path, config.dataDir) || inside(config.dataDir, path);
}
