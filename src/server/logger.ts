import pino, { type Logger } from 'pino';

/**
 * The process logger. Secrets must never reach it: the redaction list is a second
 * line of defence behind simply never logging keys, headers or parameters.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['secret', '*.secret', 'accessKeySecret', '*.accessKeySecret', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
