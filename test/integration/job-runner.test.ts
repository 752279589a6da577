import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startJobRunner, type JobRunner } from '../../engine/index.ts';
import { createTestDatabase } from '../support/test-database.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let runner: JobRunner | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await runner?.stop();
  await database?.drop();
});

const scheduled = async (r: JobRunner) => (await r.agenda.queryJobs({})).jobs.map((j) => ({ name: j.name, repeatInterval: j.repeatInterval })).sort((a, b) => a.name.localeCompare(b.name));

describe('the job runner after a definitions reload', () => {
  it('takes up new and changed schedules, runs the new code, and removes jobs no longer defined', async () => {
    const ran: string[] = [];
    runner = await startJobRunner({
      databaseUrl: database.url,
      name: 'reload-test',
      logger: createLogger('silent'),
      processEvery: '200 milliseconds',
      jobs: [
        { name: 'app:nightly', every: '0 1 * * *', run: async () => void ran.push('nightly v1') },
        { name: 'app:weekly', every: '0 2 * * 1', run: async () => void ran.push('weekly') },
      ],
    });
    expect(await scheduled(runner)).toEqual([{ name: 'app:nightly', repeatInterval: '0 1 * * *' }, { name: 'app:weekly', repeatInterval: '0 2 * * 1' }]);
    await runner.schedule([
      { name: 'app:nightly', every: '30 3 * * *', run: async () => void ran.push('nightly v2') },
      { name: 'app:hourly', every: '0 * * * *', run: async () => void ran.push('hourly') },
    ]);
    expect(await scheduled(runner)).toEqual([{ name: 'app:hourly', repeatInterval: '0 * * * *' }, { name: 'app:nightly', repeatInterval: '30 3 * * *' }]);
    await runner.agenda.now('app:nightly');
    await expect.poll(() => ran, { timeout: 5000 }).toContain('nightly v2');
    expect(ran).not.toContain('nightly v1');
  });
});
