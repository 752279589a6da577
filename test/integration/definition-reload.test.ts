import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, createDatabase, createEngine, createLogger, loadPluginCatalog } from '../../engine/index.ts';
import { DEFINITIONS_DIR, PLUGINS_DIR, startTestServer, TEST_SECRET, type TestServer } from '../support/test-server.ts';

let dir: string;
let s: TestServer;
const wfFile = () => path.join(dir, 'solarium', 'lead-status.workflow.yaml');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-reload-'));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  s = await startTestServer({ definitionsDir: dir });
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function versions() {
  const c = new pg.Client({ connectionString: s.databaseUrl });
  await c.connect();
  const r = await c.query("SELECT kind, name, version FROM definitions WHERE app = 'solarium' ORDER BY kind, name, version");
  await c.end();
  return r.rows.map((x) => `${x.kind}/${x.name}@${x.version}`);
}

describe('definition versions and reload', () => {
  it('publishes version 1 of every definition at first load', async () => {
    expect(await versions()).toEqual(['app/solarium@1', 'demo/solarium-demo@1', 'document/quotation@1', 'entity/commission@1', 'entity/customer@1', 'entity/lead@1', 'entity/quotation@1', 'otp/login@1', 'template/installation-complete-email@1', 'template/login-otp-sms@1', 'template/quotation-shared-email@1', 'template/registration-approved-sms@1', 'test/lead-status@1', 'workflow/commission-payout@1', 'workflow/lead-status@1', 'workflow/quotation-sharing@1']);
  });

  it('keeps serving the working version when a reload is refused, and reports every problem', async () => {
    const good = readFileSync(wfFile(), 'utf8');
    writeFileSync(wfFile(), good.replace('initial: new_lead', 'initial: nowhere').replace('lost: [cp, admin, kam]', 'lost: [cp, admin, boss]'));
    const before = s.engine.registry().apps.get('solarium');
    const report = await s.engine.reload();
    expect(report.refused).toEqual([
      {
        app: 'solarium',
        servingLastPublished: true,
        problems: expect.arrayContaining([expect.objectContaining({ path: '$.initial' }), expect.objectContaining({ message: 'Role "boss" is not declared by the app' })]),
      },
    ]);
    expect(s.engine.registry().apps.get('solarium')).toBe(before);
    const token = await s.login('cp1@solarium.test');
    const res = await s.request.post('/solarium/leads').set('Authorization', `Bearer ${token}`).send({ name: 'Still here', phone: '9400000000', city: 'Pune' });
    expect(res.status).toBe(201);
    expect(res.body.data.status).toBe('new_lead');
    expect(await versions()).toEqual(['app/solarium@1', 'demo/solarium-demo@1', 'document/quotation@1', 'entity/commission@1', 'entity/customer@1', 'entity/lead@1', 'entity/quotation@1', 'otp/login@1', 'template/installation-complete-email@1', 'template/login-otp-sms@1', 'template/quotation-shared-email@1', 'template/registration-approved-sms@1', 'test/lead-status@1', 'workflow/commission-payout@1', 'workflow/lead-status@1', 'workflow/quotation-sharing@1']);
    writeFileSync(wfFile(), good);
  });

  it('serves the last published version after a restart with refused files', async () => {
    writeFileSync(wfFile(), readFileSync(wfFile(), 'utf8').replace('initial: new_lead', 'initial: nowhere'));
    const db = createDatabase(s.databaseUrl);
    const engine = await createEngine({ db, plugins: await loadPluginCatalog(PLUGINS_DIR), definitionsDir: dir, dataDir: dir, production: false, logger: createLogger('silent'), jwtSecret: TEST_SECRET });
    expect(engine.loadReport.refused[0]).toMatchObject({ app: 'solarium', servingLastPublished: true });
    expect(engine.registry().apps.get('solarium')?.workflows.get('lead-status')?.initial).toBe('new_lead');
    await closeDatabase(db);
    writeFileSync(wfFile(), readFileSync(wfFile(), 'utf8').replace('initial: nowhere', 'initial: new_lead'));
  });

  it('publishes a new version of a changed definition and serves it at once', async () => {
    writeFileSync(wfFile(), readFileSync(wfFile(), 'utf8').replace('on_hold: { label: On Hold }', 'on_hold: { label: Paused by customer }'));
    const report = await s.engine.reload();
    expect(report.refused).toEqual([]);
    expect(await versions()).toEqual(['app/solarium@1', 'demo/solarium-demo@1', 'document/quotation@1', 'entity/commission@1', 'entity/customer@1', 'entity/lead@1', 'entity/quotation@1', 'otp/login@1', 'template/installation-complete-email@1', 'template/login-otp-sms@1', 'template/quotation-shared-email@1', 'template/registration-approved-sms@1', 'test/lead-status@1', 'workflow/commission-payout@1', 'workflow/lead-status@1', 'workflow/lead-status@2', 'workflow/quotation-sharing@1']);
    expect(s.engine.registry().apps.get('solarium')?.workflows.get('lead-status')?.states.on_hold?.label).toBe('Paused by customer');
  });
});
