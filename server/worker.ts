// npm run worker: background jobs only (outbox delivery, schedules), no HTTP. Start as many as
// you like beside the API processes: Agenda's locks and the outbox's SKIP LOCKED claims keep
// every job and every message to one worker.
import { readConfigOrExit } from './config.ts';
import { startServer } from './start-server.ts';
import { reloadOnHangup } from './reload-on-hangup.ts';
import { stopOnSignals } from './stop-on-signal.ts';

const running = await startServer(readConfigOrExit(), { http: false }).catch((err: unknown) => {
  console.error('Rulepath worker could not start:', err);
  process.exit(1);
});
running.logger.info({ ops: running.opsUrl }, running.opsUrl ? 'worker running: background jobs only; /metrics, /livez, /readyz on the METRICS_PORT' : 'worker running: background jobs only');

reloadOnHangup(running);
stopOnSignals(running);
