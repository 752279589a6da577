// Solarium's key alerts by e-mail (seed §2.4, §4.7), through the outbox in the same transaction as
// the move: a customer with an address on the lead hears that a quotation is ready and that the
// order is confirmed; a lead without one sends nothing; a refused move sends nothing.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
const auth = async (email: string) => ({ Authorization: `Bearer ${await s.login(email)}` });

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

async function mails(recordId: string) {
  const c = new pg.Client({ connectionString: s.databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ channel: string; template: string; recipient: string; payload: { subject: string; text: string } }>('SELECT channel, template, recipient, payload FROM outbox_messages WHERE record_id = $1 ORDER BY created_at', [recordId]);
    return rows;
  } finally {
    await c.end();
  }
}

describe('solarium e-mail alerts', () => {
  it('mails the customer when a quotation is shared and when the system is installed, through the outbox', async () => {
    const cp = await auth('cp1@solarium.test');
    const lead = (await s.request.post('/solarium/leads').set(cp).send({ name: 'Asha Rao', phone: '9820000001', city: 'Pune', capacityKw: 4, email: 'asha@example.com' })).body.data;
    for (const newStatus of ['in_discussion', 'quotation_shared']) expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(cp).send({ newStatus })).status).toBe(200);
    // A move the matrix refuses sends nothing.
    expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(cp).send({ newStatus: 'executed' })).status).toBe(422);
    for (const newStatus of ['won', 'executed']) expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(cp).send({ newStatus })).status).toBe(200);
    const sent = await mails(lead.id);
    expect(sent.map((m) => [m.channel, m.template, m.recipient])).toEqual([
      ['email', 'quotation-shared-email', 'asha@example.com'],
      ['email', 'installation-complete-email', 'asha@example.com'],
    ]);
    expect(sent[0]!.payload.subject).toBe('Your solar rooftop quotation is ready');
    expect(sent[1]!.payload.text).toContain('your 4 kW solar rooftop system is installed');
  });

  it('sends nothing for a lead without an e-mail address', async () => {
    const cp = await auth('cp1@solarium.test');
    const lead = (await s.request.post('/solarium/leads').set(cp).send({ name: 'No Mail', phone: '9820000002', city: 'Pune' })).body.data;
    for (const newStatus of ['in_discussion', 'site_survey', 'quotation_shared', 'won', 'executed']) expect((await s.request.patch(`/solarium/leads/${lead.id}/status`).set(cp).send({ newStatus })).status).toBe(200);
    expect(await mails(lead.id)).toEqual([]);
  });
});
