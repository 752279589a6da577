// SIGTERM (an orchestrator) and SIGINT (Ctrl-C) drain the process, then end it: exit 0 once it
// stopped in order (start-server.ts stop()), 1 if stopping failed. A second signal changes nothing.
import type { RunningServer } from './start-server.ts';

export function stopOnSignals(running: RunningServer): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      running.logger.info({ signal }, 'stopping: not ready, draining requests and jobs');
      running.stop().then(
        () => {
          running.logger.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}
