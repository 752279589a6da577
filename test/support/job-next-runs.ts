// Run as a child process (so that its TZ can differ from the test's): starts the real job runner on
// DATABASE_URL with the jobs given as JSON in argv[2] ([{ name, every, timezone? }]) and prints when
// Agenda will next run each, as JSON { name: ISO time }.
import { createLogger, startJobRunner } from '../../engine/index.ts';

const jobs = (JSON.parse(process.argv[2]!) as { name: string; every: string; timezone?: string }[]).map((j) => ({ ...j, run: async () => undefined }));
const runner = await startJobRunner({ databaseUrl: process.env.DATABASE_URL!, name: 'next-runs', logger: createLogger('silent'), jobs, processEvery: '1 hour' });
try {
  const { jobs: stored } = await runner.agenda.queryJobs({});
  console.log(JSON.stringify(Object.fromEntries(stored.map((j) => [j.name, j.nextRunAt ? new Date(j.nextRunAt).toISOString() : null]))));
} finally {
  await runner.stop();
}
