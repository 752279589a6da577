// npm run worker: background jobs only (outbox delivery, schedules), no HTTP. Start as many as
// you like beside the API processes: Agenda's locks and the outbox's SKIP LOCKED claims keep
// every job and every message to one worker.
// The SIGHUP listener goes in before anything heavy loads (ESM loads a module's whole static
// import graph before running any of it): the rest is imported afterwards.
import { reloadOnHangup } from './reload-on-hangup.ts';

const [{ readConfigOrExit }, { startServer }, { stopOnSignals }] = await Promise.all([import('./config.ts'), import('./start-server.ts'), import('./stop-on-signal.ts')]);

const running = await startServer(readConfigOrExit(), { http: false }).catch((err: unknown) => {
  console.error('Rulepath worker could not start:', err);
  process.exit(1);
});
running.logger.info({ ops: running.opsUrl }, running.opsUrl ? 'worker running: background jobs only; /metrics, /livez, /readyz on the METRICS_PORT' : 'worker running: background jobs only');

reloadOnHangup(running);
stopOnSignals(running);
