// Job schedules run in the zone their definition names, UTC by default, whatever the host's zone:
// the job runner is started in a child process whose TZ is New York, and Agenda's next run of each
// job is read back.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function nextRuns(tz: string, jobs: { name: string; every: string; timezone?: string }[]): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/job-next-runs.ts', JSON.stringify(jobs)], {
    cwd: ROOT,
    env: { ...process.env, TZ: tz, DATABASE_URL: database.url },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, string>;
}

const utcTime = (iso: string) => iso.slice(11, 16);

describe('job schedules and time zones', () => {
  it('runs "0 9 * * *" at 09:00 UTC without a zone and at 03:30 UTC in Asia/Kolkata, on a host set to New York', async () => {
    const runs = await nextRuns('America/New_York', [
      { name: 'app:plain', every: '0 9 * * *' },
      { name: 'app:india', every: '0 9 * * *', timezone: 'Asia/Kolkata' },
      { name: 'app:utc', every: '0 9 * * *', timezone: 'UTC' },
    ]);
    expect(utcTime(runs['app:plain']!)).toBe('09:00');
    expect(utcTime(runs['app:india']!)).toBe('03:30');
    expect(utcTime(runs['app:utc']!)).toBe('09:00');
    // The next occurrence, not one a day later or in the past.
    for (const at of Object.values(runs)) {
      const ahead = Date.parse(at) - Date.now();
      expect(ahead).toBeGreaterThan(0);
      expect(ahead).toBeLessThanOrEqual(86_400_000);
    }
  }, 60_000);
});
