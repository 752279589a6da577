import { pino, type Logger } from 'pino';

export type { Logger };

/** One JSON logger for the process; tests pass LOG_LEVEL=silent through vitest's env. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
