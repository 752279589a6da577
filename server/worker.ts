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
