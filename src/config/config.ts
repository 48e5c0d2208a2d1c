import { resolve } from 'node:path';
import { isValidZone } from '../domain/schedule.ts';
import { parseDatabaseUrl } from '../store/postgres/database-url.ts';
import { ConfigError } from './config-error.ts';
import { loadSipSettings, type SipSettings } from './sip-config.ts';

/**
 * Server settings, all from the environment (names are a contract: README,
 * docs and later tests rely on them).
 */
export interface Config {
  host: string;
  port: number;
  /**
   * How clients reach this server when that is not the address it listens on
   * (behind a proxy or a load balancer): upload parameters and download URLs use it.
   */
  publicUrl?: string;
  /** Holds the SQLite database and, later, uploaded and exported files. */
  dataDir: string;
  /** `postgres://…` selects the PostgreSQL store (several nodes may share it); unset keeps embedded SQLite. */
  databaseUrl?: string;
  /** Root AccessKey to create or keep at start; generated on first start when unset. */
  accessKeyId?: string;
  accessKeySecret?: string;
  logLevel: string;
  /** `system`, or `virtual`: time moves only through POST /_outboundbot/clock. */
  clock: 'system' | 'virtual';
  /** Where the virtual clock starts (epoch ms). */
  clockStart?: number;
  /** IANA zone strategies are evaluated in. */
  timezone: string;
  /** `simulated` (default) or `sip`: real calls through OUTBOUNDBOT_SIP_TRUNK (docs/telephony.md). */
  carrier: 'simulated' | 'sip';
  /** Set when carrier is `sip`. */
  sip?: SipSettings;
  /** Seed of the simulated carrier's draws: the same seed replays the same outcomes. */
  simSeed: string;
  /** The simulated carrier's outcome mix: inline JSON or a file path. */
  simProfile?: string;
  /** OUTBOUNDBOT_SIM_RECORDINGS=on: the simulated carrier renders each answered call into a recording (espeak-ng). */
  simRecordings: boolean;
  /** The external NLU engine (OUTBOUNDBOT_LLM_*); scripts use the built-in one when unset. */
  llm?: LlmSettings;
  /**
   * OUTBOUNDBOT_STRICT=true: a JSON parameter's key nobody knows (StrategyJson's
   * `maxAttemptPerDay`) is refused with 400 InvalidParameter instead of a warning in the log.
   */
  strict: boolean;
}

/** An OpenAI-compatible chat-completions endpoint used as NLU engine (src/dialog/llm-nlu.ts). */
export interface LlmSettings {
  /** OUTBOUNDBOT_LLM_URL: the endpoint, or a base URL to which `/chat/completions` is added. */
  url: string;
  /** OUTBOUNDBOT_LLM_KEY: sent as a Bearer token; never logged. */
  key?: string;
  /** OUTBOUNDBOT_LLM_MODEL (default gpt-4o-mini). */
  model: string;
  /** OUTBOUNDBOT_LLM_TIMEOUT_MS (default 5000): a slower answer counts as a failure. */
  timeoutMs: number;
}

export function loadLlmSettings(env: NodeJS.ProcessEnv = process.env): LlmSettings | undefined {
  const url = env.OUTBOUNDBOT_LLM_URL;
  if (!url) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new ConfigError('OUTBOUNDBOT_LLM_URL must be an http(s) URL');
  const timeoutMs = env.OUTBOUNDBOT_LLM_TIMEOUT_MS ? Number(env.OUTBOUNDBOT_LLM_TIMEOUT_MS) : 5_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120_000) throw new ConfigError('OUTBOUNDBOT_LLM_TIMEOUT_MS must be 1-120000');
  return { url, key: env.OUTBOUNDBOT_LLM_KEY || undefined, model: env.OUTBOUNDBOT_LLM_MODEL || 'gpt-4o-mini', timeoutMs };
}

export { ConfigError };

export const DEFAULTS = { host: '127.0.0.1', port: 8080, dataDir: './data', logLevel: 'info', timezone: 'Asia/Shanghai', simSeed: 'outboundbot' } as const;

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
  const clock = env.OUTBOUNDBOT_CLOCK || 'system';
  if (clock !== 'system' && clock !== 'virtual') throw new ConfigError(`OUTBOUNDBOT_CLOCK must be system or virtual, got "${clock}"`);
  let clockStart: number | undefined;
  if (env.OUTBOUNDBOT_CLOCK_START) {
    const raw = env.OUTBOUNDBOT_CLOCK_START;
    clockStart = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (!Number.isFinite(clockStart)) throw new ConfigError(`OUTBOUNDBOT_CLOCK_START must be epoch ms or an ISO time, got "${raw}"`);
  }
  const timezone = env.OUTBOUNDBOT_TIMEZONE || DEFAULTS.timezone;
  if (!isValidZone(timezone)) throw new ConfigError(`OUTBOUNDBOT_TIMEZONE must be an IANA time zone (e.g. Asia/Shanghai), got "${timezone}"`);
  const databaseUrl = env.OUTBOUNDBOT_DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    throw new ConfigError('OUTBOUNDBOT_DATABASE_URL must be a postgres:// URL (unset keeps the embedded SQLite store)');
  }
  if (databaseUrl !== undefined) {
    try {
      parseDatabaseUrl(databaseUrl);
    } catch (error) {
      throw new ConfigError(`OUTBOUNDBOT_DATABASE_URL: ${(error as Error).message}`);
    }
  }
  const publicUrl = env.OUTBOUNDBOT_PUBLIC_URL ? parsePublicUrl(env.OUTBOUNDBOT_PUBLIC_URL) : undefined;
  const strict = env.OUTBOUNDBOT_STRICT || 'false';
  if (strict !== 'true' && strict !== 'false') throw new ConfigError(`OUTBOUNDBOT_STRICT must be true or false, got "${strict}"`);
  const simRecordings = env.OUTBOUNDBOT_SIM_RECORDINGS || 'off';
  if (simRecordings !== 'on' && simRecordings !== 'off') throw new ConfigError(`OUTBOUNDBOT_SIM_RECORDINGS must be on or off, got "${simRecordings}"`);
  const carrier = env.OUTBOUNDBOT_CARRIER || 'simulated';
  if (carrier !== 'simulated' && carrier !== 'sip') throw new ConfigError(`OUTBOUNDBOT_CARRIER must be simulated or sip, got "${carrier}"`);
  if (carrier === 'sip' && clock === 'virtual') throw new ConfigError('OUTBOUNDBOT_CARRIER=sip places real calls: it needs OUTBOUNDBOT_CLOCK=system');
  return {
    clock,
    clockStart,
    timezone,
    carrier,
    sip: carrier === 'sip' ? loadSipSettings(env) : undefined,
    simSeed: env.OUTBOUNDBOT_SIM_SEED || DEFAULTS.simSeed,
    simProfile: env.OUTBOUNDBOT_SIM_PROFILE || undefined,
    simRecordings: simRecordings === 'on',
    host: env.OUTBOUNDBOT_HOST || DEFAULTS.host,
    port,
    publicUrl,
    dataDir: resolve(env.OUTBOUNDBOT_DATA_DIR || DEFAULTS.dataDir),
    databaseUrl,
    accessKeyId,
    accessKeySecret,
    logLevel,
    llm: loadLlmSettings(env),
    strict: strict === 'true',
  };
}

/** An http(s) base URL without query or fragment; a trailing slash is dropped so paths can be appended. */
function parsePublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('OUTBOUNDBOT_PUBLIC_URL must be an http(s) URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new ConfigError('OUTBOUNDBOT_PUBLIC_URL must be an http(s) URL without credentials, query or fragment');
  }
  return url.toString().replace(/\/$/, '');
}
