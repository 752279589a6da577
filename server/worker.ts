// npm run worker: background jobs only (outbox delivery, schedules), no HTTP. Start as many as
// you like beside the API processes: Agenda's locks and the outbox's SKIP LOCKED claims keep
// every job and every message to one worker.
import { readConfigOrExit } from './config.ts';
import { startServer } from './start-server.ts';

const running = await startServer(readConfigOrExit(), { http: false }).catch((err: unknown) => {
  console.error('Rulepath worker could not start:', err);
  process.exit(1);
});
running.logger.info('worker running: background jobs only');

// SIGHUP (a supervisor's reload, a closed terminal) reloads definitions and their job schedules,
// as it does for npm start; Node's default for it would end the process.
process.on('SIGHUP', () => {
  running.reload().then(
    (report) => running.logger.info({ refused: report.refused.map((r) => r.app) }, 'definitions reloaded'),
    (err: unknown) => running.logger.error({ err }, 'definitions reload failed'),
  );
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    running.stop().then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
}
