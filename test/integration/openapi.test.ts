import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await s.request.get('/openapi.json');
    expect(res.status).toBe(200);
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(res.body.openapi).toBe('3.1.0');
    const broken = await new Validator().validate({ ...res.body, paths: { '/x': { get: { responses: { '200': { content: 5 } } } } } });
    expect(broken.valid).toBe(false); // the validator really checks
  });

  it('documents the generic routes, the seed aliases and the entity schemas', async () => {
    const { body } = await s.request.get('/openapi.json');
    const paths = Object.keys(body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/solarium/auth/login', '/solarium/leads', '/solarium/leads/{id}', '/solarium/leads/{id}/timeline', '/solarium/leads/{id}/status', '/v1/apps/solarium/records/lead/{id}/events/{event}']));
    expect(paths).toEqual(expect.arrayContaining(['/promopartner/v1/promotions/evaluate', '/promopartner/v1/csv-jobs/{entity}/sas-url', '/promopartner/v1/csv-jobs/{id}', '/v1/apps/promopartner/rules/{ruleset}/evaluate', '/v1/apps/promopartner/uploads/{token}']));
    expect(Object.keys(body.paths['/solarium/leads/{id}/status'])).toEqual(['patch']);
    const statusBody = body.paths['/solarium/leads/{id}/status'].patch.requestBody.content['application/json'].schema;
    expect(statusBody.required).toEqual(['newStatus']);
    expect(statusBody.properties.newStatus.enum).toContain('customer_accepted');
    expect(Object.keys(statusBody.properties).sort()).toEqual(['followUpDate', 'newStatus', 'override', 'remarks']);
    expect(body.components.schemas['solarium.lead.create'].required).toEqual(['name', 'phone', 'city']);
  });

  it('describes only what the server really serves: every documented alias answers (never 404 ROUTE_NOT_FOUND)', async () => {
    const { body } = await s.request.get('/openapi.json');
    for (const [path, ops] of Object.entries(body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace('{id}', '00000000-0000-4000-8000-000000000000').replace('{event}', 'won');
        const res = await (s.request as any)[method](url).send({});
        expect(res.body?.error?.code, `${method} ${url}`).not.toBe('ROUTE_NOT_FOUND');
      }
    }
  });
});

describe('/docs', () => {
  it('serves the docs page and its assets from the server itself', async () => {
    const page = await s.request.get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/docs/init.js');
    const asset = await s.request.get('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
    expect((await s.request.get('/docs/init.js')).text).toContain("url: '/openapi.json'");
  });
});
