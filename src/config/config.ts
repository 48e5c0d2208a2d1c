import { resolve } from 'node:path';

/**
 * Server settings, all from the environment (names are a contract: README,
 * docs and later tests rely on them).
 */
export interface Config {
  host: string;
  port: number;
  /** Holds the SQLite database and, later, uploaded and exported files. */
  dataDir: string;
  /** Root AccessKey to create or keep at start; generated on first start when unset. */
  accessKeyId?: string;
  accessKeySecret?: string;
  logLevel: string;
}

export class ConfigError extends Error {}

export const DEFAULTS = { host: '127.0.0.1', port: 8080, dataDir: './data', logLevel: 'info' } as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.OUTBOUNDBOT_PORT === undefined || env.OUTBOUNDBOT_PORT === '' ? DEFAULTS.port : Number(env.OUTBOUNDBOT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`OUTBOUNDBOT_PORT must be a port number (0-65535), got "${env.OUTBOUNDBOT_PORT}"`);
  }
  const accessKeyId = env.OUTBOUNDBOT_ACCESS_KEY_ID || undefined;
  const accessKeySecret = env.OUTBOUNDBOT_ACCESS_KEY_SECRET || undefined;
  if (Boolean(accessKeyId) !== Boolean(accessKeySecret)) {
    throw new ConfigError('set both OUTBOUNDBOT_ACCESS_KEY_ID and OUTBOUNDBOT_ACCESS_KEY_SECRET, or neither');
  }
  if (accessKeySecret !== undefined && accessKeySecret.length < 16) {
    throw new ConfigError('OUTBOUNDBOT_ACCESS_KEY_SECRET must be at least 16 characters');
  }
  const logLevel = env.OUTBOUNDBOT_LOG_LEVEL || DEFAULTS.logLevel;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`OUTBOUNDBOT_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  return {
    host: env.OUTBOUNDBOT_HOST || DEFAULTS.host,
    port,
    dataDir: resolve(env.OUTBOUNDBOT_DATA_DIR || DEFAULTS.dataDir),
    accessKeyId,
    accessKeySecret,
    logLevel,
  };
}
