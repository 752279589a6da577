// A path the server serves, asked with a method it does not take, answers 405 with Allow (not a
// 404 that says the path does not exist), on generic routes, fixed ones and app aliases alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('a method a path does not take', () => {
  it('answers 405 with the methods it takes', async () => {
    for (const [method, path, allow] of [
      ['put', '/v1/apps/solarium/records/lead/00000000-0000-4000-8000-000000000000', 'DELETE, GET, PATCH'],
      ['delete', '/solarium/leads', 'GET, POST'],
      ['post', '/healthz', 'GET'],
      ['get', '/solarium/leads/00000000-0000-4000-8000-000000000000/status', 'PATCH'],
    ] as const) {
      const res = await (s.request as unknown as Record<string, (p: string) => Promise<{ status: number; headers: Record<string, string>; body: { error: { code: string } } }>>)[method]!(path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow, path).toBe(allow);
      expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('still answers 404 for a path nothing serves', async () => {
    const res = await s.request.get('/solarium/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});
