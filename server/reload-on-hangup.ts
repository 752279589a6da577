// SIGHUP reloads definitions (and their job schedules): a valid change goes live, a refused one
// leaves the running version serving. Node's default for SIGHUP would end the process — a closed
// terminal or a supervisor's reload must not.
import type { RunningServer } from './start-server.ts';

export function reloadOnHangup(running: RunningServer): void {
  process.on('SIGHUP', () => {
    running.reload().then(
      (report) => running.logger.info({ refused: report.refused.map((r) => r.app) }, 'definitions reloaded'),
      (err: unknown) => running.logger.error({ err }, 'definitions reload failed'),
    );
  });
}
