import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
let token: string;
let leadId: string;
beforeAll(async () => {
  s = await startTestServer();
  token = await s.login('admin@solarium.test');
  const res = await s.request.post('/solarium/leads').set('Authorization', `Bearer ${token}`).send({ name: 'Bad Input', phone: '9300000000', city: 'Pune' });
  leadId = res.body.data.id;
});
afterAll(async () => {
  await s?.close();
});

// Every route with a body, generic and alias; {id} is a real lead so that only the body is wrong.
const ROUTES: { method: 'post' | 'patch'; path: () => string }[] = [
  { method: 'post', path: () => '/solarium/auth/login' },
  { method: 'post', path: () => '/v1/apps/solarium/auth/login' },
  { method: 'post', path: () => '/solarium/leads' },
  { method: 'post', path: () => '/v1/apps/solarium/records/lead' },
  { method: 'patch', path: () => `/v1/apps/solarium/records/lead/${leadId}` },
  { method: 'patch', path: () => `/solarium/leads/${leadId}/status` },
  { method: 'post', path: () => `/v1/apps/solarium/records/lead/${leadId}/events/in_discussion` },
];

function expectErrorFormat(res: { status: number; body: Record<string, unknown> }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) }, traceId: expect.any(String) });
}

function deep(n: number): string {
  return '{"a":'.repeat(n) + '1' + '}'.repeat(n);
}

describe('bad input on every route', () => {
  for (const route of ROUTES) {
    describe(`${route.method.toUpperCase()} ${route.path().replace(/[0-9a-f-]{36}/, '{id}')}`, () => {
      const send = (body: string, type = 'application/json') =>
        s.request[route.method](route.path()).set('Authorization', `Bearer ${token}`).set('Content-Type', type).send(body);

      it('answers 400 to malformed JSON', async () => expectErrorFormat(await send('{"name": '), 400));
      it('answers 400 to wrong types', async () => expectErrorFormat(await send('{"name": 5, "phone": true, "email": [], "newStatus": 7, "input": 3}'), 400));
      it('answers 400 to unknown fields', async () => expectErrorFormat(await send('{"definitelyUnknown": 1, "newStatus": "in_discussion", "email": "a@b.co", "password": "x"}'), 400));
      it('answers 400 to a JSON array or a bare string', async () => {
        expectErrorFormat(await send('[1,2,3]'), 400);
        expectErrorFormat(await send('"hello"'), 400);
      });
      it('answers 413 to a 1 MB body', async () => expectErrorFormat(await send(JSON.stringify({ name: 'x'.repeat(1024 * 1024) })), 413));
      it('answers 400 to JSON nested 10,000 deep', async () => expectErrorFormat(await send(deep(10_000)), 400));
      it('answers 400 to __proto__ and constructor keys, leaving Object.prototype alone', async () => {
        expectErrorFormat(await send('{"__proto__": {"polluted": true}, "name": "x"}'), 400);
        expectErrorFormat(await send('{"constructor": {"prototype": {"polluted": true}}}'), 400);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
      it('answers 415 to a body that is not JSON', async () => expectErrorFormat(await send('name=x', 'application/x-www-form-urlencoded'), 415));
    });
  }
});

describe('unknown things', () => {
  const get = (path: string) => s.request.get(path).set('Authorization', `Bearer ${token}`);
  it('answers 404 to an unknown app, entity, id, event and route', async () => {
    expectErrorFormat(await get('/v1/apps/nope/records/lead'), 404);
    expectErrorFormat(await get('/v1/apps/solarium/records/nope'), 404);
    expectErrorFormat(await get('/v1/apps/solarium/records/lead/00000000-0000-4000-8000-000000000000'), 404);
    expectErrorFormat(await get('/v1/apps/solarium/records/lead/not-a-uuid'), 404);
    expectErrorFormat(await get('/v1/apps/solarium/records/lead/%E0%A4%A'), 400);
    const ev = await s.request.post(`/v1/apps/solarium/records/lead/${leadId}/events/fly`).set('Authorization', `Bearer ${token}`).send({});
    expectErrorFormat(ev, 404);
    expect(ev.body.error.code).toBe('EVENT_NOT_FOUND');
    expectErrorFormat(await get('/nowhere'), 404);
  });

  it('answers 400 to unknown filters, sorts, limits and cursors', async () => {
    expectErrorFormat(await get('/solarium/leads?password=x'), 400);
    expectErrorFormat(await get('/solarium/leads?sort=-secret'), 400);
    expectErrorFormat(await get('/solarium/leads?limit=100000'), 400);
    expectErrorFormat(await get('/solarium/leads?cursor=garbage'), 400);
    expectErrorFormat(await get('/solarium/leads?cursor=' + Buffer.from('[1,"x"]').toString('base64url')), 400);
  });

  it('answers 400 to a malformed If-Match', async () => {
    const res = await s.request.patch(`/solarium/leads/${leadId}/status`).set('Authorization', `Bearer ${token}`).set('If-Match', 'yesterday').send({ newStatus: 'in_discussion' });
    expectErrorFormat(res, 400);
  });

  it('keeps serving after all of the above', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body.data.database).toBe('ok');
  });
});

describe('list pagination', () => {
  it('walks every lead exactly once with a cursor, in the requested order', async () => {
    const h = { Authorization: `Bearer ${token}` };
    for (let i = 0; i < 7; i++) {
      await s.request.post('/solarium/leads').set(h).send({ name: `Page ${i}`, phone: String(9300000100 + i), city: 'Paginate', capacityKw: (i * 3) % 5 + 1 });
    }
    const seen: { id: string; capacityKw: number }[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/solarium/leads?city=Paginate&sort=capacityKw&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await s.request.get(q).set(h);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.items);
      cursor = res.body.data.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen.map((l) => l.id)).size).toBe(7);
    const caps = seen.map((l) => l.capacityKw);
    expect(caps).toEqual([...caps].sort((a, b) => a - b));
  });
});

describe('health', () => {
  it('answers 503 UNAVAILABLE in the error format when the database is gone, not 500', async () => {
    const other = await startTestServer();
    await other.engine.health();
    await other.close(); // drops the database and closes the pool
    const res = await other.request.get('/healthz');
    expectErrorFormat(res, 503);
    expect(res.body.error.code).toBe('UNAVAILABLE');
  });
});

describe('hostile text and encodings', () => {
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const count = async (app: string) => Number((await queryRows<{ n: string }>(s.databaseUrl, 'SELECT count(*) AS n FROM records WHERE app = $1', [app]))[0]!.n);
  const expectCode = (res: { status: number; body: Record<string, unknown> }, status: number, code: string) => {
    expectErrorFormat(res, status);
    expect((res.body.error as { code: string }).code).toBe(code);
  };
  const cursor = (value: unknown, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url');
  const UUID = '00000000-0000-4000-8000-000000000000';

  it('answers 401 to an rp_access or rp_refresh cookie that is not valid percent-encoding', async () => {
    expectCode(await s.request.get('/solarium/leads').set('Cookie', 'rp_access=%E0%A4%A'), 401, 'UNAUTHENTICATED');
    expectCode(await s.request.get('/v1/apps/solarium/records/lead').set('Cookie', 'other=1; rp_access=%'), 401, 'UNAUTHENTICATED');
    for (const path of ['/promopartner/v1/auth/refresh', '/promopartner/v1/auth/logout', '/v1/apps/promopartner/auth/refresh']) {
      expectCode(await s.request.post(path).set('X-Client-Type', 'web').set('Cookie', 'rp_refresh=%E0%A4%A'), 401, 'UNAUTHENTICATED');
    }
  });

  it('answers 400 BAD_REQUEST naming the path to a route path that is not valid percent-encoding', async () => {
    for (const path of ['/solarium/leads/%E0%A4%A', '/solarium/leads/%E0%A4%A/timeline', '/v1/apps/solarium/records/lead/%E0%A4%A', '/ekyc/api/v1/leads/%ZZ']) {
      const res = await s.request.get(path).set(auth());
      expectCode(res, 400, 'BAD_REQUEST');
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: '$.path' })]);
    }
  });

  it('answers 400 BAD_REQUEST to a query string or path holding NUL, and to a junk If-Match', async () => {
    for (const path of ['/v1/apps/solarium/records/lead?city=%00', '/solarium/leads?city=Pune&city=a%00b', '/solarium/leads?ci%00ty=Pune', `/v1/apps/solarium/records/lead/${leadId}%00`, '/solarium/leads/%00/timeline']) {
      const res = await s.request.get(path).set(auth());
      expectCode(res, 400, 'BAD_REQUEST');
      expect(res.body.error.details?.[0]?.message).toBe('Text may not contain NUL characters or unpaired surrogates');
    }
    for (const junk of ['"3", "4"', 'W/"99999999999"', '*', '"\u00e9"']) {
      const res = await s.request.patch(`/solarium/leads/${leadId}/status`).set(auth()).set('If-Match', junk).send({ newStatus: 'in_discussion' });
      expectCode(res, 400, 'BAD_REQUEST');
    }
  });

  it('answers 400 BAD_REQUEST to a list cursor this server did not issue: a value unfit for the sort field, or an id that is no UUID', async () => {
    const forged = [
      ['/solarium/leads', cursor('not-a-date', UUID)],
      ['/solarium/leads', cursor('2024-02-30T00:00:00.000Z', UUID)],
      ['/solarium/leads', cursor('2024-13-45T99:00:00.000Z', UUID)],
      ['/solarium/leads', cursor('0000-01-01T00:00:00.000Z', UUID)],
      ['/solarium/leads?sort=updatedAt', cursor(42, UUID)],
      ['/solarium/leads', cursor(new Date().toISOString(), '-'.repeat(36))],
      ['/solarium/leads?sort=capacityKw', cursor('\u0000', UUID)],
      ['/solarium/leads?sort=capacityKw', cursor('\ud800', UUID)],
      ['/solarium/leads?sort=capacityKw', cursor({ a: 1 }, UUID)],
      ['/v1/apps/solarium/records/lead?sort=-createdAt', cursor(null, UUID)],
    ];
    for (const [path, c] of forged) {
      const res = await s.request.get(`${path}${path!.includes('?') ? '&' : '?'}cursor=${c}`).set(auth());
      expectCode(res, 400, 'BAD_REQUEST');
      expect(res.body.error.details).toEqual([{ path: '$.query.cursor', message: 'The cursor is not one this server issued' }]);
    }
    // A cursor the server did issue still pages, on a timestamp and on a JSONB field.
    for (const sort of ['', '&sort=capacityKw']) {
      const first = await s.request.get(`/solarium/leads?limit=1${sort}`).set(auth());
      expect(first.body.data.nextCursor).toEqual(expect.any(String));
      expect((await s.request.get(`/solarium/leads?limit=1${sort}&cursor=${first.body.data.nextCursor}`).set(auth())).status).toBe(200);
    }
  });

  it('answers 400 BAD_REQUEST with the JSON path to a body whose text holds NUL or a lone surrogate, and stores nothing', async () => {
    const leads = await count('solarium');
    const ekyc = await count('ekyc');
    const bodies: [string, string][] = [
      [JSON.stringify({ name: 'Nul\u0000Name', phone: '9300000900', city: 'Pune' }), '$.name'],
      [JSON.stringify({ name: 'Lone \ud800 high', phone: '9300000901', city: 'Pune' }), '$.name'],
      [JSON.stringify({ name: 'Lone \udc00 low', phone: '9300000902', city: 'Pune' }), '$.name'],
      [JSON.stringify({ name: 'Fine', phone: '9300000903', city: 'Pune', tags: ['ok', 'b\u0000d'] }), '$.tags[1]'],
      [JSON.stringify({ name: 'Fine', phone: '9300000904', city: 'Pune', ['k\u0000y']: 1 }), '$["k\\u0000y"]'],
    ];
    for (const [body, path] of bodies) {
      const res = await s.request.post('/solarium/leads').set(auth()).set('Content-Type', 'application/json').send(body);
      expectCode(res, 400, 'BAD_REQUEST');
      expect(res.body.error.details).toEqual([{ path, message: 'Text may not contain NUL characters or unpaired surrogates' }]);
    }
    // A well-formed pair is ordinary text.
    expect((await s.request.post('/solarium/leads').set(auth()).send({ name: 'Sun \ud83c\udf1e', phone: '9300000905', city: 'Pune' })).status).toBe(201);
    // The public signup (no token) is refused at the same edge.
    const signup = await s.request.post('/ekyc/api/v1/registration/signup').send({ mobileNumber: '9876500000', fullName: 'John\u0000Doe', consentTerms: true, consentBankAutoverify: false });
    expectCode(signup, 400, 'BAD_REQUEST');
    expect(signup.body.error.details).toEqual([{ path: '$.fullName', message: 'Text may not contain NUL characters or unpaired surrogates' }]);
    expect(await count('solarium')).toBe(leads + 1);
    expect(await count('ekyc')).toBe(ekyc);
  });

  it('audits a refused attempt whose text never passed the JSON edge, with NUL and lone surrogates replaced', async () => {
    // As an import calls the engine: no HTTP edge in front of it.
    const actor = await s.engine.auth.verify(token, 'solarium');
    const move = s.engine.transitions.moveTo({ app: 'solarium', entity: 'lead' }, actor, leadId, 'newStatus', { newStatus: 'no\u0000where', remarks: 'lone \ud800 and \udc00, pair \ud83c\udf1e' });
    await expect(move).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    const rows = await queryRows<{ detail: Record<string, unknown> }>(s.databaseUrl, "SELECT detail FROM audit_entries WHERE record_id = $1 AND outcome = 'refused' ORDER BY id", [leadId]);
    expect(rows.at(-1)?.detail).toMatchObject({ target: 'no\ufffdwhere', remarks: 'lone \ufffd and \ufffd, pair \ud83c\udf1e', code: 'INVALID_TRANSITION' });
  });
});
