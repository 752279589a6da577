// SIGHUP reloads definitions (and their job schedules): a valid change goes live, a refused one
// leaves the running version serving. Node's default for SIGHUP would end the process — a closed
// terminal or a supervisor's reload must not, not even while the process is still starting (a
// cluster primary passes SIGHUP to every worker, the starting ones too). So the listener is added
// when this module is evaluated — main.ts and worker.ts import it first, before the engine loads —
// and a hangup during the start reloads once the server runs.
import type { RunningServer } from './start-server.ts';

let running: RunningServer | undefined;
let pending = false;

function reload(r: RunningServer) {
  r.reload().then(
    (report) => r.logger.info({ refused: report.refused.map((a) => a.app) }, 'definitions reloaded'),
    (err: unknown) => r.logger.error({ err }, 'definitions reload failed'),
  );
}

process.on('SIGHUP', () => {
  if (running) reload(running);
  else pending = true;
});

/** The server is up: reload now if a hangup came during the start, and on every one from here. */
export function reloadOnHangup(r: RunningServer): void {
  running = r;
  if (pending) {
    pending = false;
    reload(r);
  }
}
