import { pino, type Logger } from 'pino';
import { currentTraceId } from './trace-context.ts';

export type { Logger };

/**
 * One JSON logger for the process; tests pass LOG_LEVEL=silent through vitest's env. A line logged
 * while serving a request carries its traceId (trace-context.ts), whichever logger wrote it.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
