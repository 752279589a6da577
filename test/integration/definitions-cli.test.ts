// `npm run definitions`: an engineer lists an app's releases, exports what admins published back to
// files (a start with them then changes nothing), imports an edited folder as the next release (as a
// start would, served at once) and reads what would change in the sentences admins read. Run
// in-process against the test server's database.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, createDatabase, createEngine, createLogger, listReleases, loadPluginCatalog, type Database } from '../../engine/index.ts';
import { runDefinitionsCommand } from '../../cli/definitions/run-definitions-command.ts';
import { DEFINITIONS_DIR, PLUGINS_DIR, startTestServer, TEST_SECRET, type TestServer } from '../support/test-server.ts';

let dir: string;
let s: TestServer;
const temporary: string[] = [];
/** A new empty folder, removed after the tests. */
const tmp = (name: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `rulepath-cli-${name}-`));
  temporary.push(d);
  return d;
};
/** A definitions root holding a copy of the server's solarium folder. */
const copyOfSolarium = (name: string) => {
  const root = tmp(name);
  cpSync(path.join(dir, 'solarium'), path.join(root, 'solarium'), { recursive: true });
  return root;
};
let db: Database;
const G = '/v1/apps/solarium';
const WORKFLOW = 'solarium/lead-status.workflow.yaml';

beforeAll(async () => {
  dir = tmp('definitions');
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  s = await startTestServer({ definitionsDir: dir });
  db = createDatabase(s.databaseUrl, { poolSize: 4 });
});
afterAll(async () => {
  if (db) await closeDatabase(db);
  await s?.close();
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

/** Runs `npm run definitions -- ...args` in-process: its exit code and what it printed (stdout, stderr). */
async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runDefinitionsCommand(args, {
    out: { write: (t: string) => (out += t) },
    err: { write: (t: string) => (err += t) },
    definitionsDir: dir,
    production: false,
    db: async () => db,
  });
  return { code, out, err };
}

const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });
const liveNumber = async () => (await listReleases(db, 'solarium', 1))[0]!.number;

/** Publishes, as the admin, the live workflow with customers also allowed to move quotation_shared -> won. */
async function publishCustomerMayWin() {
  const admin = await auth('admin@solarium.test');
  const live = (await s.request.get(`${G}/releases/${await liveNumber()}`).set(admin)).body.data;
  const wf = live.definitions.find((d: { kind: string; name: string }) => d.kind === 'workflow' && d.name === 'lead-status').content;
  wf.matrix.quotation_shared.won.push('customer');
  const set = (await s.request.post(`${G}/changes`).set(admin).send({ title: 'Customers may win' })).body.data;
  expect((await s.request.put(`${G}/changes/${set.id}/definitions/workflow/lead-status`).set(admin).send(wf)).status).toBe(200);
  const published = await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({ comment: 'Customers may accept straight to won' });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  return published.body.data.number as number;
}

/** A second process starting on the same database with the definitions root `root`. */
async function restart(root: string) {
  const other = createDatabase(s.databaseUrl, { poolSize: 4 });
  try {
    return await createEngine({ db: other, plugins: await loadPluginCatalog(PLUGINS_DIR), definitionsDir: root, dataDir: tmp('data'), production: false, logger: createLogger('silent'), jwtSecret: TEST_SECRET });
  } finally {
    await closeDatabase(other);
  }
}

const MATRIX_SENTENCE = `  ${WORKFLOW}  $.matrix.quotation_shared.won  Move quotation_shared → won now also allowed for role customer\n`;

describe('npm run definitions', () => {
  it('lists the releases newest first: number, source, author, date, checksum, comment', async () => {
    const number = await publishCustomerMayWin();
    expect(number).toBe(2);
    const { code, out } = await run('releases', 'solarium');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('solarium: 2 releases, live first');
    expect(lines[1]).toMatch(/^ {2}# +source +author +date +checksum +comment$/);
    const [admin, files] = (await listReleases(db, 'solarium')).map((r) => r.checksum.slice(0, 12));
    expect(lines[2]).toMatch(new RegExp(`^ {2}2  admin +admin@solarium\\.test  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC  ${admin}  Customers may accept straight to won$`));
    expect(lines[3]).toMatch(new RegExp(`^ {2}1  files +files +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC  ${files}$`));
    expect(await run('releases', 'nosuchapp')).toMatchObject({ code: 1, out: '' });
  });

  it('diffs two releases in the sentences an admin reads (exit 1: they differ)', async () => {
    const { code, out } = await run('diff', 'solarium', '--release', '1', '--release', '2');
    expect(code).toBe(1);
    expect(out).toMatch(/^solarium: from release 1 \(files, .*\) to release 2 \(admin, .*\): 1 definition changed\n/);
    expect(out.split('\n').slice(1).join('\n')).toBe(MATRIX_SENTENCE);
    expect((await run('diff', 'solarium', '--release', '2', '--release', '2')).code).toBe(0);
  });

  it('diffs the files against the live release: unchanged files change nothing; an edit is said, a conflict held back', async () => {
    const same = await run('diff', 'solarium');
    expect(same.code, same.out).toBe(0);
    expect(same.out).toContain('nothing would change');
    // An edited copy: the entity changed in the files only, the workflow in the files and by the admin.
    const edited = copyOfSolarium('edited');
    const edit = (file: string, from: string, to: string) => writeFileSync(path.join(edited, file), readFileSync(path.join(edited, file), 'utf8').replace(from, to));
    edit('solarium/lead.entity.yaml', 'label: Lead', 'label: Solar lead');
    edit(WORKFLOW, 'on_hold: { label: On Hold }', 'on_hold: { label: Held }');
    const { code, out } = await run('diff', 'solarium', edited);
    expect(code).toBe(1);
    expect(out).toContain('1 definition would change\n  solarium/lead.entity.yaml  $.label  ');
    expect(out).toContain('Solar lead');
    expect(out).toContain("conflicts: workflow/lead-status changed in the files and by an admin since the last import: held back, the admin's stays live");
    expect(out).toMatch(/ {2}solarium\/lead-status\.workflow\.yaml {2}\$\.matrix\.quotation_shared\.won {2}.*customer/); // the files' version would take the admin's move away
    expect(out).toMatch(/ {2}solarium\/lead-status\.workflow\.yaml {2}\$\.states\.on_hold\.label {2}.*Held/);
  });

  it('exports the live release to files that a start takes as they are: no new release, no conflict', async () => {
    const live = await liveNumber();
    const scratch = tmp('export');
    const { code, out } = await run('export', 'solarium', scratch);
    expect(code, out).toBe(0);
    expect(out).toMatch(new RegExp(`^solarium: release ${live} \\(admin, .*\\) exported to ${scratch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/solarium\n`));
    expect(out).toContain(`  written    ${WORKFLOW}\n`);
    expect(readFileSync(path.join(scratch, WORKFLOW), 'utf8')).toMatch(/^\$schema: \.\.\/_schema\/workflow\.schema\.json\nkind: workflow\n/);
    expect(readFileSync(path.join(scratch, WORKFLOW), 'utf8')).toContain('won: [cp, admin, kam, customer]');

    const engine = await restart(scratch);
    expect(engine.loadReport.conflicts).toEqual([]);
    expect(engine.loadReport.refused).toEqual([]);
    expect(engine.registry().releases?.get('solarium')).toBe(live);
    expect(await liveNumber()).toBe(live);
    expect(engine.registry().apps.get('solarium')!.workflows.get('lead-status')!.transitions.find((t) => t.from === 'quotation_shared' && t.to === 'won')!.roles.has('customer')).toBe(true);
    // A second export finds every file as it is.
    const again = await run('export', 'solarium', scratch);
    expect(again.out.split('\n').slice(1, -1).every((l) => l.startsWith('  unchanged  '))).toBe(true);
  });

  it('exports over the engineers’ own files: only what the release changed is rewritten, comments kept; --prune removes strays', async () => {
    const stray = path.join(dir, 'solarium', 'old.template.yaml');
    writeFileSync(stray, 'kind: template\nname: old\nchannel: sms\nbody: Hi\n');
    const before = readFileSync(path.join(dir, WORKFLOW), 'utf8');
    const kept = await run('export', 'solarium', dir);
    expect(kept.code).toBe(0);
    expect(kept.out.split('\n').slice(1).join('\n')).toBe(
      ['  unchanged  solarium/app.yaml', '  unchanged  solarium/commission-payout.workflow.yaml', '  unchanged  solarium/commission.entity.yaml', '  unchanged  solarium/customer.entity.yaml', '  unchanged  solarium/demo.demo.yaml', '  unchanged  solarium/installation-complete-email.template.yaml', '  unchanged  solarium/lead-status.test.yaml', `  written    ${WORKFLOW}`, '  unchanged  solarium/lead.entity.yaml', '  unchanged  solarium/login-otp-sms.template.yaml', '  unchanged  solarium/login.otp.yaml', `  kept       solarium/old.template.yaml  (not in release ${await liveNumber()}; --prune removes it)`, '  unchanged  solarium/quotation-shared-email.template.yaml', '  unchanged  solarium/quotation-sharing.workflow.yaml', '  unchanged  solarium/quotation.document.yaml', '  unchanged  solarium/quotation.entity.yaml', '  unchanged  solarium/registration-approved-sms.template.yaml', ''].join('\n'),
    );
    const after = readFileSync(path.join(dir, WORKFLOW), 'utf8');
    expect(after.split('\n').filter((line, i) => line !== before.split('\n')[i])).toEqual(['    won: [cp, admin, kam, customer]']);
    expect(existsSync(stray)).toBe(true);
    const pruned = await run('export', 'solarium', dir, '--prune');
    expect(pruned.out).toContain('  removed    solarium/old.template.yaml');
    expect(existsSync(stray)).toBe(false);
    // The exported root is the server's: the conflict the edited copy showed is gone, nothing would change.
    expect((await run('diff', 'solarium')).code).toBe(0);
  });

  it('exports an older release with --release N', async () => {
    const older = tmp('older');
    const { code, out } = await run('export', 'solarium', older, '--release', '1');
    expect(code).toBe(0);
    expect(out).toMatch(/^solarium: release 1 \(files, /);
    expect(readFileSync(path.join(older, WORKFLOW), 'utf8')).toContain('won: [cp, admin, kam]\n');
  });

  it('imports an edited folder as the next release, served by the running server at once', async () => {
    const live = await liveNumber();
    const folder = copyOfSolarium('import');
    const entity = path.join(folder, 'solarium', 'lead.entity.yaml');
    writeFileSync(entity, readFileSync(entity, 'utf8').replace('label: Lead', 'label: Solar lead'));
    const { code, out, err } = await run('import', 'solarium', folder);
    expect(code, err).toBe(0);
    expect(out).toMatch(new RegExp(`^solarium: release ${live + 1} \\(files, .*\\) imported from .*: 1 definition changed\n {2}solarium/lead\\.entity\\.yaml {2}\\$\\.label {2}.*Solar lead`));
    const [release] = await listReleases(db, 'solarium', 1);
    expect(release).toMatchObject({ number: live + 1, source: 'files', createdBy: 'files' });
    const started = Date.now();
    while (s.engine.registry().releases?.get('solarium') !== live + 1 && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 20));
    expect(s.engine.registry().apps.get('solarium')!.entities.get('lead')!.label).toBe('Solar lead');
    // Imported again, the same files change nothing.
    const again = await run('import', 'solarium', path.join(folder, 'solarium'));
    expect(again).toMatchObject({ code: 0 });
    expect(again.out).toContain(`change nothing; release ${live + 1} (files, `);
    expect(await liveNumber()).toBe(live + 1);
  });

  it('refuses a folder with problems: exit 1 with every problem, no release', async () => {
    const live = await liveNumber();
    const folder = copyOfSolarium('broken');
    const wf = path.join(folder, WORKFLOW);
    writeFileSync(wf, readFileSync(wf, 'utf8').replace('initial: new_lead', 'initial: nowhere'));
    const { code, err } = await run('import', 'solarium', folder);
    expect(code).toBe(1);
    expect(err).toMatch(/^solarium: the files in .* are refused \(1 problem\); release \d+ \(files, .*\) stays live\n/);
    expect(err).toContain(`${path.basename(folder)}/${WORKFLOW}  $.initial  State "nowhere" is not declared in "states"`);
    expect(await liveNumber()).toBe(live);
  });

  it('answers bad arguments with the usage and exit 2, before opening any database', async () => {
    const noDatabase = async (...args: string[]) => {
      let err = '';
      const code = await runDefinitionsCommand(args, {
        out: { write: () => undefined },
        err: { write: (t: string) => (err += t) },
        definitionsDir: dir,
        production: false,
        db: () => Promise.reject(new Error('no database for bad arguments')),
      });
      return { code, err };
    };
    for (const args of [
      [],
      ['publish', 'solarium'],
      ['releases'],
      ['releases', 'Solarium/..'],
      ['releases', 'solarium', '--limit', 'all'],
      ['releases', 'solarium', '--bogus'],
      ['export', 'solarium'],
      ['export', 'solarium', dir, '--release', 'latest'],
      ['export', 'solarium', dir, 'extra'],
      ['import', 'solarium', path.join(dir, 'missing')],
      ['diff', 'solarium', '--release', '1'],
      ['diff', 'solarium', dir, '--release', '1', '--release', '2'],
    ]) {
      const { code, err } = await noDatabase(...args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(err).toMatch(/usage: npm run definitions -- /);
    }
    expect((await noDatabase('diff', 'solarium', '--release', '1')).err).toBe('Compare two releases: --release A --release B\nusage: npm run definitions -- diff <app> [<dir> | --release A --release B]\n');
    // A release the app does not have is a bad argument too (known once the database answers).
    const unknown = await run('diff', 'solarium', '--release', '1', '--release', '99');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^solarium has no release 99 \(the live one is \d+\)\n/);
    expect((await run('help')).code).toBe(0);
  });
  it('takes files that caught up with the live release as the new baseline: an admin’s next change is no conflict, an engineer’s next edit applies', async () => {
    const admin = await auth('admin@solarium.test');
    /** The admin relabels on_hold (a workflow change since the last files import). */
    const relabel = async (label: string) => {
      const wf = (await s.request.get(`${G}/releases/${await liveNumber()}`).set(admin)).body.data.definitions.find((d: { kind: string; name: string }) => d.kind === 'workflow' && d.name === 'lead-status').content;
      const set = (await s.request.post(`${G}/changes`).set(admin).send({ title: `Relabel: ${label}` })).body.data;
      await s.request.put(`${G}/changes/${set.id}/definitions/workflow/lead-status`).set(admin).send({ ...wf, states: { ...wf.states, on_hold: { label } } });
      expect((await s.request.post(`${G}/changes/${set.id}/publish`).set(admin).send({})).status).toBe(200);
    };
    await relabel('Paused');
    const scratch = tmp('caught-up');
    expect((await run('export', 'solarium', scratch)).code).toBe(0);
    // A start from the exported files writes no release; the files' baseline moves.
    const live = await liveNumber();
    expect((await restart(scratch)).registry().releases?.get('solarium')).toBe(live);
    // The admin changes the workflow again, after the export: the files did not change, so no conflict.
    await relabel('Frozen');
    const calm = await restart(scratch);
    expect(calm.loadReport.conflicts).toEqual([]);
    expect(calm.registry().releases?.get('solarium')).toBe(live + 1);
    expect(calm.registry().apps.get('solarium')!.workflows.get('lead-status')!.states.on_hold!.label).toBe('Frozen');
    // An engineer's edit of a file the admin did not touch applies; one of the workflow (changed by both since the export) is held back.
    const entity = path.join(scratch, 'solarium', 'lead.entity.yaml');
    writeFileSync(entity, readFileSync(entity, 'utf8').replace(/^label: .*$/m, 'label: Rooftop lead'));
    const wfFile = path.join(scratch, WORKFLOW);
    writeFileSync(wfFile, readFileSync(wfFile, 'utf8').replace(/won: \{ label: Won \}/, 'won: { label: Signed }'));
    const edited = await restart(scratch);
    expect(edited.loadReport.conflicts).toEqual([{ app: 'solarium', definitions: ['workflow/lead-status'] }]);
    expect(edited.registry().releases?.get('solarium')).toBe(live + 2);
    expect(edited.registry().apps.get('solarium')!.entities.get('lead')!.label).toBe('Rooftop lead');
    expect(edited.registry().apps.get('solarium')!.workflows.get('lead-status')!.states.on_hold!.label).toBe('Frozen');
  });
});
