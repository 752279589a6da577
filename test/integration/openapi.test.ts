// /openapi.json is generated from the operation specs and the definitions. These tests hold it to
// an independent linter, to the answers the server really gives (every documented operation called,
// accepted and refused, each answer validated against its documented schema), and to a client
// generated from it that must compile.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS, { astToString } from 'openapi-typescript';
import supertest from 'supertest';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformance, type Conformance } from '../support/openapi-conformance.ts';
import { activePromotion, BASE, createPromotion, daysFrom, PHONES, promotionBody, seedMasterData, signIn, today, type Headers } from '../support/promopartner.ts';
import { queryRows } from '../support/sql.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { TINY_PNG as PNG } from '../support/tiny-png.ts';

type Doc = Record<string, any>;

let s: TestServer;
let doc: Doc;
beforeAll(async () => {
  s = await startTestServer();
  const res = await s.request.get('/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await s?.close();
});

const operationsOf = (d: Doc) => Object.entries(d.paths as Doc).flatMap(([p, item]) => Object.entries(item as Doc).map(([method, op]) => ({ path: p, method, op: op as Doc })));

async function lintErrors(d: Doc) {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: JSON.stringify(d), absoluteRef: 'openapi.json', config });
  return problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
}

/** Every schema object in the document (components and inline), with where it is. */
function* schemasIn(node: unknown, at: string, inSchema = false): Generator<[string, Doc]> {
  if (Array.isArray(node)) {
    for (const [i, v] of node.entries()) yield* schemasIn(v, `${at}/${i}`, inSchema);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (inSchema) yield [at, node as Doc];
  for (const [k, v] of Object.entries(node)) {
    if (inSchema && (k === 'enum' || k === 'const' || k === 'required' || k === 'x-error-codes')) continue;
    const schemaHere = k === 'schema' || (inSchema && ['items', 'not', 'additionalProperties', 'allOf', 'anyOf', 'oneOf'].includes(k));
    const mapOfSchemas = (inSchema && k === 'properties') || (at === '#/components' && k === 'schemas');
    if (mapOfSchemas) for (const [name, sub] of Object.entries(v as Doc)) yield* schemasIn(sub, `${at}/${k}/${name}`, true);
    else yield* schemasIn(v, `${at}/${k}`, schemaHere);
  }
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document (and the validator really checks)', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    const broken = await new Validator().validate({ ...doc, paths: { '/x': { get: { responses: { '200': { content: 5 } } } } } });
    expect(broken.valid).toBe(false);
  });

  it('passes the Redocly linter (recommended rules) with no error, and the linter fails a broken copy', async () => {
    expect(await lintErrors(doc)).toEqual([]);
    // The kinds of fault the generator once had: an engine keyword in a schema, no servers, an undefined security scheme.
    const broken = structuredClone(doc);
    delete broken.servers;
    delete broken.components.securitySchemes.bearer;
    broken.components.schemas.JourneyStatus.properties.currentStage = { type: 'integer', label: 'Stage' };
    broken.components.schemas.JourneyStatus.properties.currentState = { type: 'strin' };
    const errors = await lintErrors(broken);
    expect(errors.some((e) => e.startsWith('no-empty-servers'))).toBe(true);
    expect(errors.some((e) => e.startsWith('security-defined'))).toBe(true);
    expect(errors.some((e) => e.startsWith('struct') && e.includes('label'))).toBe(true);
    expect(errors.some((e) => e.startsWith('struct') && e.includes('currentState'))).toBe(true);
  }, 30_000);

  it('names every operation uniquely and declares where the API is served', () => {
    const ops = operationsOf(doc);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z0-9_]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(ids).toEqual(expect.arrayContaining(['promopartner_transactions_create', 'promopartner_generic_records_transaction_create', 'ekyc_registration_verify_otp_verify_mobile', 'solarium_leads_status_move_to', 'promopartner_generic_outbox_retry']));
  });

  it('leaks no engine keyword and types every answer (no empty schema)', () => {
    const found: string[] = [];
    for (const [at, schema] of schemasIn(doc, '#')) {
      for (const k of ['label', 'errorCode', 'editableIn', 'immutable']) if (k in schema) found.push(`${at}: ${k}`);
      if (Object.keys(schema).length === 0) found.push(`${at}: {}`);
    }
    expect(found).toEqual([]);
  });

  it('documents every seed alias of the three apps and the generic routes, the outbox and the upload target included', () => {
    for (const app of s.engine.registry().apps.values()) {
      for (const route of app.routes) expect(doc.paths[app.basePath + route.path]?.[route.method.toLowerCase()], `${route.method} ${app.basePath}${route.path}`).toBeDefined();
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/apps/solarium/records/lead/{id}/events/{event}', '/v1/apps/promopartner/rules/{ruleset}/evaluate', '/v1/apps/promopartner/uploads/{token}', '/v1/apps/ekyc/outbox', '/v1/apps/promopartner/outbox/{id}/retry', '/v1/apps/promopartner/records/promotion/{id}/otp/{policy}/request']),
    );
    const statusBody = doc.paths['/solarium/leads/{id}/status'].patch.requestBody.content['application/json'].schema;
    expect(statusBody.required).toEqual(['newStatus']);
    expect(statusBody.properties.newStatus.enum).toContain('customer_accepted');
    expect(Object.keys(statusBody.properties).sort()).toEqual(['followUpDate', 'newStatus', 'override', 'remarks']);
    expect(doc.components.schemas['solarium.lead.create'].required).toEqual(['name', 'phone', 'city']);
  });

  it('describes the eKYC journey steps as served: the journey token, 200, a flat body with the lead id and the step input, answering { leadId, state }', () => {
    const step = doc.paths['/ekyc/api/v1/registration/verify-otp'].post;
    // Each step needs the journey token signup answered (and answers a fresh one), never nothing.
    expect(step.security).toContainEqual({ recordSession: [] });
    expect(step.security).not.toContainEqual({});
    expect(Object.keys(step.responses['200'].headers)).toEqual(expect.arrayContaining(['X-Session-Token', 'X-Session-Expires-In']));
    expect(doc.components.securitySchemes.recordSession).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(step.responses).filter((c) => c < '300')).toEqual(['200']);
    const body = step.requestBody.content['application/json'].schema;
    expect(step.requestBody.required).toBe(true);
    expect(body.required).toEqual(['leadId', 'otp']);
    expect(body.properties).not.toHaveProperty('input');
    const data = step.responses['200'].content['application/json'].schema.properties.data;
    expect(Object.keys(data.properties)).toEqual(['leadId', 'state']);
    const signup = doc.paths['/ekyc/api/v1/registration/signup'].post;
    expect(signup.security).toContainEqual({});
    expect(signup.responses['200'].headers).toHaveProperty('X-Session-Token');
    // The applicant reads only its own lead, with its token: never without credentials.
    expect(doc.paths['/ekyc/api/v1/leads/{id}'].get.security).not.toContainEqual({});
    expect(doc.paths['/ekyc/api/v1/journey/status'].get.security).toEqual([{ recordSession: [] }, { bearer: [] }, { accessCookie: [] }]);
  });

  it('describes a PromoPartner transaction as served: the verification token required, the amounts computed (read-only), a PATCH that may carry the status', () => {
    const create = doc.components.schemas['promopartner.transaction.create'];
    expect(create.required).toEqual(expect.arrayContaining(['requestId', 'promotionId', 'items', 'verificationToken']));
    for (const amount of ['grossAmount', 'discountAmount', 'netAmount']) {
      expect(create.properties).not.toHaveProperty(amount);
      expect(create.required).not.toContain(amount);
      expect(doc.components.schemas['promopartner.transaction.record'].properties[amount].readOnly).toBe(true);
    }
    expect(create.properties.items.items.required).toEqual(['sku', 'quantity']);
    const patch = doc.components.schemas['promopartner.transaction.patch'];
    expect(patch.properties.status.enum).toEqual(['New', 'UnderReview', 'Verified', 'SettlementComplete']);
    expect(patch.properties).not.toHaveProperty('requestId');
    // Nor does a change carry the amounts the ruleset computed.
    for (const amount of ['grossAmount', 'discountAmount', 'netAmount']) expect(patch.properties).not.toHaveProperty(amount);
    expect(doc.paths['/promopartner/v1/transactions/{id}'].patch.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/promopartner.transaction.patch');
  });

  it("describes an entity's computed fields as the server's: read-only in the record, never in a create", () => {
    expect(doc.components.schemas['solarium.quotation.record'].properties.subtotal.readOnly).toBe(true);
    expect(doc.components.schemas['ekyc.lead.record'].properties.nomineeSharesTotal.readOnly).toBe(true);
    expect(doc.components.schemas['ekyc.lead.create'].properties).not.toHaveProperty('nomineeSharesTotal');
  });

  it('lists, for each error status, the codes that operation may answer, the app-defined ones included', () => {
    const signup = doc.paths['/ekyc/api/v1/registration/signup'].post.responses;
    expect(signup['400']['x-error-codes']).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'DUPLICATE_IN_WINDOW', 'BE_REG_DUPLICATE', 'FE_REG_MOBILE_INVALID']));
    expect(signup['400'].content['application/json'].schema.allOf[1].properties.error.properties.code.enum).toEqual(signup['400']['x-error-codes']);
    expect(doc.paths['/promopartner/v1/promotions/{id}/activate'].put.responses['409']['x-error-codes']).toContain('ACTIVE_PROMOTION_LIMIT');
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'BE_REG_DUPLICATE']));
  });

  it('describes only what the server really serves: every documented path answers (never 404 ROUTE_NOT_FOUND)', async () => {
    for (const { path: p, method } of operationsOf(doc)) {
      const url = p.replace(/\{[^}]+\}/g, (m) => (m === '{id}' ? randomUUID() : 'x'));
      const res = await (supertest(s.http) as any)[method](url).send({});
      expect(res.body?.error?.code, `${method} ${url}`).not.toBe('ROUTE_NOT_FOUND');
    }
  });
});

describe('a client generated from /openapi.json (openapi-typescript)', () => {
  it('compiles, and types the seed routes as served', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rulepath-client-'));
    try {
      writeFileSync(path.join(dir, 'api.ts'), astToString(await openapiTS(doc as Parameters<typeof openapiTS>[0])));
      writeFileSync(
        path.join(dir, 'use.ts'),
        `import type { paths } from './api';
type CreateTransaction = paths['/promopartner/v1/transactions']['post'];
type Body = NonNullable<CreateTransaction['requestBody']>['content']['application/json'];
export const body: Body = { requestId: 'r', promotionId: 'p', verificationToken: 't', items: [{ sku: 'LENS-1', quantity: 1 }] };
// @ts-expect-error the amounts are computed by the server, never sent
export const priced: Body = { ...body, grossAmount: 10 };
type Created = CreateTransaction['responses'][201]['content']['application/json']['data'];
export const net = (t: Created): number | undefined => t.netAmount;
type Step = paths['/ekyc/api/v1/registration/verify-otp']['post'];
export const step: NonNullable<Step['requestBody']>['content']['application/json'] = { leadId: 'l', otp: '1234' };
export const state = (r: Step['responses'][200]['content']['application/json']): string | null => r.data.state;
type Patch = NonNullable<paths['/promopartner/v1/transactions/{id}']['patch']['requestBody']>['content']['application/json'];
export const review: Patch = { invoiceNumber: 'INV1', status: 'UnderReview' };
`,
      );
      const program = ts.createProgram([path.join(dir, 'use.ts')], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});


describe('conformance: every documented operation, called, answers as documented', () => {
  let c: Conformance;
  type Call = { as?: Headers; body?: unknown; csv?: string; headers?: Record<string, string>; file?: { name: string; content: Buffer; fields?: Record<string, string> } };

  async function call(method: string, url: string, o: Call = {}) {
    // A fresh client each time: no cookie carries over from one call to the next.
    let r = (supertest(s.http) as any)[method.toLowerCase()](url);
    if (o.as) r = r.set(o.as);
    if (o.headers) r = r.set(o.headers);
    if (o.file) {
      for (const [k, v] of Object.entries(o.file.fields ?? {})) r = r.field(k, v);
      r = r.attach('file', o.file.content, o.file.name);
    } else if (o.csv !== undefined) r = r.set('Content-Type', 'text/csv').send(Buffer.from(o.csv));
    else if (o.body !== undefined) r = r.send(o.body);
    return c.check(method, url, await r, o.body);
  }
  async function ok(method: string, url: string, o: Call = {}, status = 200) {
    const res = await call(method, url, o);
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body.data;
  }
  /** GET of a PDF (a binary body), checked against the document like any call; answers its bytes. */
  async function pdfDownload(url: string, as: Headers): Promise<Buffer> {
    const got = await supertest(s.http).get(url).set(as).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    c.check('GET', url, { status: got.status, headers: got.headers, text: (got.body as Buffer).toString('latin1'), body: {} } as unknown as typeof got);
    expect(got.status).toBe(200);
    return got.body as Buffer;
  }
  async function refused(method: string, url: string, o: Call, status: number, code?: string) {
    const res = await call(method, url, o);
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(status);
    if (code) expect(res.body.error.code).toBe(code);
  }
  const sql = (text: string, values: unknown[] = []) => queryRows<{ id: string }>(s.databaseUrl, text, values);
  /** A message of the app, marked dead (as after its last attempt), for the operator's retry. */
  const deadMessage = async (app: string) => {
    await s.engine.outbox.idle();
    const [row] = await sql("UPDATE outbox_messages SET status = 'dead' WHERE id = (SELECT id FROM outbox_messages WHERE app = $1 ORDER BY created_at LIMIT 1) RETURNING id", [app]);
    return row!.id;
  };

  beforeAll(() => {
    c = conformance(doc);
  });

  it('eKYC: the journey on seed and generic routes, reads, the outbox', async () => {
    const E = '/ekyc/api/v1';
    const G = '/v1/apps/ekyc';
    const ops = { Authorization: `Bearer ${await s.login('ops@ekyc.test', 'ekyc')}` };
    const signup = (mobileNumber: string) => ({ mobileNumber, fullName: 'Asha Rao', consentTerms: true, consentBankAutoverify: false });

    await ok('POST', `${G}/auth/login`, { body: { email: 'ops@ekyc.test', password: 'demo1234' } });
    await refused('POST', `${G}/auth/login`, { body: { email: 'ops@ekyc.test', password: 'wrong' } }, 401, 'INVALID_CREDENTIALS');

    const signedUp = await call('POST', `${E}/registration/signup`, { body: signup('9876500001') });
    expect(signedUp.status).toBe(200);
    const lead = signedUp.body.data;
    expect(lead.state).toBe('INITIATED');
    // Each lead's journey token (its record session): every later step of the applicant carries it.
    const journey = { Authorization: `Bearer ${signedUp.headers['x-session-token']}` };
    await refused('POST', `${E}/registration/signup`, { body: signup('9876500001') }, 400, 'BE_REG_DUPLICATE');
    const created = await call('POST', `${G}/records/lead`, { body: signup('9876500002') });
    expect(created.status).toBe(201);
    const other = created.body.data;
    let otherJourney = { Authorization: `Bearer ${created.headers['x-session-token']}` };
    await refused('POST', `${G}/records/lead`, { body: signup('12345') }, 400, 'FE_REG_MOBILE_INVALID');

    await ok('POST', `${E}/registration/resend-otp`, { body: { leadId: lead.leadId }, as: journey });
    await refused('POST', `${E}/registration/resend-otp`, { body: { leadId: lead.leadId } }, 401, 'UNAUTHENTICATED');
    await refused('POST', `${E}/registration/resend-otp`, { body: { leadId: randomUUID() }, as: journey }, 404, 'RECORD_NOT_FOUND');
    await refused('POST', `${E}/registration/verify-otp`, { body: { leadId: lead.leadId, otp: '0000' }, as: journey }, 401, 'OTP_INVALID');
    expect(await ok('POST', `${E}/registration/verify-otp`, { body: { leadId: lead.leadId, otp: '1234' }, as: journey })).toEqual({ leadId: lead.leadId, state: 'MOBILE_VERIFIED' });
    await refused('POST', `${E}/pan/submit`, { body: { leadId: other.id, panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' }, as: otherJourney }, 409, 'STAGE_NOT_REACHED');
    await ok('POST', `${G}/records/lead/${other.id}/events/verify_mobile`, { body: { input: { otp: '1234' } }, as: otherJourney });
    // A session regained by a code to the mobile number (its token expired), seed-style and generic.
    for (const [code, session] of [[`${E}/journey/resume`, `${E}/journey/resume/verify`], [`${G}/sessions/lead/code`, `${G}/sessions/lead`]]) {
      await ok('POST', code!, { body: { mobileNumber: '9876500002' } });
      await refused('POST', code!, { body: { mobileNumber: '12345' } }, 400, 'FE_REG_MOBILE_INVALID');
      await refused('POST', session!, { body: { mobileNumber: '9876500002', otp: '000000' } }, 401, 'OTP_INVALID');
      const resumed = await call('POST', session!, { body: { mobileNumber: '9876500002', otp: '123456' } });
      expect(resumed.status).toBe(200);
      expect(resumed.body.data.id).toBe(created.body.data.id);
      // Resuming ends the lead's earlier tokens: the new one is the applicant's from here.
      otherJourney = { Authorization: `Bearer ${resumed.headers['x-session-token']}` };
    }
    await refused('POST', `${G}/records/lead/${randomUUID()}/events/verify_mobile`, { body: { input: { otp: '1234' } }, as: journey }, 404, 'RECORD_NOT_FOUND');
    await refused('POST', `${G}/records/lead/${other.id}/events/verify_mobile`, { body: { input: { otp: '1234' } }, as: journey }, 403, 'FORBIDDEN');
    await ok('POST', `${E}/pan/submit`, { body: { leadId: lead.leadId, panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' }, as: journey });
    await refused('POST', `${E}/address/submit`, { body: { leadId: lead.leadId, addressLine: '12 MG Road', city: 'Pune', pinCode: '012' }, as: journey }, 400);
    await ok('POST', `${E}/address/submit`, { body: { leadId: lead.leadId, addressLine: '12 MG Road', city: 'Pune', pinCode: '411001' }, as: journey });
    // The later stages, each refused once with its own code and then taken.
    const stage = async (path: string, bad: Record<string, unknown>, code: string, good: Record<string, unknown>, status = 400) => {
      await refused('POST', `${E}/${path}`, { body: { leadId: lead.leadId, ...bad }, as: journey }, status, code);
      await ok('POST', `${E}/${path}`, { body: { leadId: lead.leadId, ...good }, as: journey });
    };
    await stage('email/submit', { email: 'not-an-email' }, 'FE_EMAIL_INVALID', { email: 'asha@example.in' });
    await stage('email/verify-otp', { otp: '000000' }, 'OTP_INVALID', { otp: '123456' }, 401);
    const personal = { gender: 'female', maritalStatus: 'married', occupation: 'professional', annualIncome: '10l_25l' };
    await stage('personal-details/submit', { ...personal, dateOfBirth: '31/12/1990' }, 'FE_DOB_INVALID', { ...personal, dateOfBirth: '1990-12-31' });
    await stage('bank-account/submit', { bankAccountNumber: '026291800001191', ifsc: 'NOTANIFSC' }, 'FE_IFSC_INVALID', { bankAccountNumber: '026291800001191', ifsc: 'YESB0000262' });
    await stage('plan/submit', { segments: ['equity'], plan: 'platinum' }, 'FE_PLAN_INVALID', { segments: ['equity'], plan: 'basic' });
    await stage('nominees/submit', { nominees: [{ name: 'Ravi Rao', relation: 'cousin', sharePercent: 100 }] }, 'FE_NOMINEE_INVALID', { nominees: [{ name: 'Ravi Rao', relation: 'sibling', sharePercent: 100 }] });
    for (const [slot, path, code] of [['income_proof', 'income-proof/submit', 'FE_INCOME_PROOF_REQUIRED'], ['selfie', 'selfie/submit', 'FE_SELFIE_REQUIRED'], ['signature', 'signature/submit', 'FE_SIGNATURE_REQUIRED']] as const) {
      await refused('POST', `${E}/${path}`, { body: { leadId: lead.leadId }, as: journey }, 400, code);
      expect((await call('POST', `${G}/records/lead/${lead.leadId}/files/${slot}`, { as: journey, file: { name: `${slot}.png`, content: PNG } })).status).toBe(201);
      await ok('POST', `${E}/${path}`, { body: { leadId: lead.leadId }, as: journey });
    }
    await stage('declarations/submit', { taxResidentOutsideIndia: false, politicallyExposed: false }, 'FE_DECLARATION_REQUIRED', { taxResidentOutsideIndia: false, politicallyExposed: false, declarationsAccepted: true });
    await refused('POST', `${E}/esign/request`, { body: { leadId: lead.leadId } }, 401, 'UNAUTHENTICATED');
    await ok('POST', `${E}/esign/request`, { body: { leadId: lead.leadId }, as: journey });
    await stage('esign/confirm', { otp: '0000' }, 'OTP_INVALID', { otp: '1234' }, 401);
    // The form it signed, as rendered (the generic document route; the applicant's own lead).
    const form = `${G}/records/lead/${lead.leadId}/documents/applicationForm`;
    expect((await pdfDownload(form, journey)).subarray(0, 5).toString()).toBe('%PDF-');
    await refused('GET', `${G}/records/lead/${lead.leadId}/documents/applicationForm`, { as: otherJourney }, 403, 'FORBIDDEN');
    await refused('POST', `${E}/application/submit`, { body: { leadId: lead.leadId } }, 401, 'UNAUTHENTICATED');
    await ok('POST', `${E}/application/submit`, { body: { leadId: lead.leadId }, as: journey });
    // The back office decides; the applicant cannot.
    await refused('POST', `${E}/leads/${lead.leadId}/request-changes`, { body: {}, as: journey }, 422, 'INVALID_TRANSITION');
    await ok('POST', `${E}/leads/${lead.leadId}/request-changes`, { body: { remarks: 'The address proof is unreadable' }, as: ops });
    await ok('POST', `${E}/application/submit`, { body: { leadId: lead.leadId }, as: journey });
    await refused('POST', `${E}/leads/${randomUUID()}/reject`, { body: {}, as: ops }, 404, 'RECORD_NOT_FOUND');
    await refused('POST', `${E}/leads/${lead.leadId}/approve`, { body: {}, as: journey }, 422, 'INVALID_TRANSITION');
    await ok('POST', `${E}/leads/${lead.leadId}/approve`, { body: {}, as: ops });
    await refused('POST', `${E}/leads/${lead.leadId}/reject`, { body: {}, as: ops }, 422, 'INVALID_TRANSITION');
    // The other applicant, through every stage to submission (the address by Aadhaar offline e-KYC,
    // each of its two steps refused once with its own code), is rejected.
    const refusedFirst: Record<string, [Record<string, unknown>, number, string]> = {
      'address/aadhaar/otp': [{ aadhaarNumber: '12345' }, 400, 'FE_AADHAAR_INVALID'],
      'address/aadhaar/verify': [{ otp: '000000' }, 422, 'BE_AADHAAR_OTP_INVALID'],
    };
    for (const [path, body] of [
      ['pan/submit', { panNumber: 'PQRST6789K', nameOnPan: 'Asha Rao' }],
      ['address/aadhaar/otp', { aadhaarNumber: '234567891234' }],
      ['address/aadhaar/verify', { otp: '123456' }],
      ['email/submit', { email: 'asha.rao@example.in' }],
      ['email/verify-otp', { otp: '123456' }],
      ['personal-details/submit', { ...personal, dateOfBirth: '1988-01-05' }],
      ['bank-account/submit', { bankAccountNumber: '123456789012', ifsc: 'HDFC0000123' }],
      ['plan/submit', { segments: ['equity', 'commodity'], plan: 'elite' }],
      ['nominees/submit', { nominees: [] }],
      ['income-proof/submit', {}],
      ['selfie/submit', {}],
      ['signature/submit', {}],
      ['declarations/submit', { taxResidentOutsideIndia: true, politicallyExposed: false, declarationsAccepted: true }],
      ['esign/request', {}],
      ['esign/confirm', { otp: '1234' }],
      ['application/submit', {}],
    ] as const) {
      const slot = { 'income-proof/submit': 'income_proof', 'selfie/submit': 'selfie', 'signature/submit': 'signature' }[path as string];
      if (slot) expect((await call('POST', `${G}/records/lead/${other.id}/files/${slot}`, { as: otherJourney, file: { name: `${slot}.png`, content: PNG } })).status).toBe(201);
      const bad = refusedFirst[path];
      if (bad) await refused('POST', `${E}/${path}`, { body: { leadId: other.id, ...bad[0] }, as: otherJourney }, bad[1], bad[2]);
      await ok('POST', `${E}/${path}`, { body: { leadId: other.id, ...body }, as: otherJourney });
    }
    await ok('POST', `${E}/leads/${other.id}/reject`, { body: { remarks: 'Tax residence outside India needs the offline process' }, as: ops });
    expect(await ok('GET', `${E}/journey/status`, { as: journey })).toMatchObject({ id: lead.leadId, state: 'APPROVED' });

    // The applicant's documents: list, read, review (ops), remove, a direct upload and a download.
    const files = `${G}/records/lead/${lead.leadId}/files`;
    const listed = (await ok('GET', `${files}?slot=selfie`, { as: journey })) as { id: string }[];
    await refused('GET', files, { as: otherJourney }, 403, 'FORBIDDEN');
    const selfie = listed[0]!.id;
    const got = await ok('GET', `${files}/selfie/${selfie}`, { as: ops });
    await refused('GET', `${files}/selfie/${randomUUID()}`, { as: ops }, 404, 'NOT_FOUND');
    await ok('POST', `${files}/selfie/${selfie}/review`, { as: ops, body: { status: 'approved' } });
    await refused('POST', `${files}/selfie/${selfie}/review`, { as: journey, body: { status: 'approved' } }, 403, 'FORBIDDEN');
    const target = await ok('POST', `${files}/income_proof/upload-url`, { as: journey, body: { fileName: 'payslip.png' } });
    await refused('POST', `${files}/income_proof/upload-url`, { as: journey, body: { fileName: 'x.png', colour: 'blue' } }, 400, 'VALIDATION_FAILED');
    const put = await supertest(s.http).put(new URL(target.uploadUrl as string).pathname).set('Content-Type', 'application/octet-stream').send(PNG);
    c.check('PUT', new URL(target.uploadUrl as string).pathname, put);
    expect(put.status).toBe(201);
    await refused('PUT', `${G}/uploads/not-a-token`, { csv: 'x' }, 401, 'UNAUTHENTICATED');
    const direct = await ok('POST', `${files}/income_proof/complete`, { as: journey, body: { upload: target.upload } }, 201);
    await refused('POST', `${files}/income_proof/complete`, { as: journey, body: { upload: target.upload } }, 409, 'CONFLICT');
    await ok('DELETE', `${files}/income_proof/${direct.id}`, { as: ops });
    await refused('DELETE', `${files}/income_proof/${direct.id}`, { as: ops }, 409, 'CONFLICT');
    const download = new URL(got.download.url as string).pathname;
    await call('GET', download).then((res) => expect(res.status).toBe(200));
    await refused('GET', `${download}x`, {}, 401, 'UNAUTHENTICATED');
    await refused('GET', `${E}/journey/status`, {}, 401, 'UNAUTHENTICATED');

    for (const url of [`${E}/leads/${lead.leadId}`, `${E}/leads/${lead.leadId}/transitions`, `${G}/records/lead`, `${G}/records/lead/${lead.leadId}`, `${G}/records/lead/${lead.leadId}/timeline`]) {
      await ok('GET', url, { as: ops });
      // The public applicant may create and move, and read its own lead with its token: a caller without credentials is asked for them.
      await refused('GET', url, {}, 401, 'UNAUTHENTICATED');
    }
    await ok('GET', `${G}/records/lead/${lead.leadId}`, { as: journey });
    await refused('GET', `${G}/records/lead/${lead.leadId}`, { as: otherJourney }, 403, 'FORBIDDEN');
    await refused('GET', `${G}/records/lead`, { as: journey }, 403, 'FORBIDDEN');

    await ok('GET', `${G}/outbox?status=pending`, { as: ops });
    await refused('GET', `${G}/outbox?status=lost`, { as: ops }, 400, 'BAD_REQUEST');
    const dead = await deadMessage('ekyc');
    await ok('POST', `${G}/outbox/${dead}/retry`, { as: ops });
    await refused('POST', `${G}/outbox/${randomUUID()}/retry`, { as: ops }, 404, 'NOT_FOUND');
  });

  it('Solarium: sign-in, leads on seed and generic routes, status moves', async () => {
    const G = '/v1/apps/solarium';
    const admin = { Authorization: `Bearer ${await s.login('admin@solarium.test')}` };
    const cp = { Authorization: `Bearer ${await s.login('cp1@solarium.test')}` };

    await ok('POST', '/solarium/auth/login', { body: { email: 'cp1@solarium.test', password: 'demo1234' } });
    await refused('POST', '/solarium/auth/login', { body: { email: 'cp1@solarium.test', password: 'nope' } }, 401, 'INVALID_CREDENTIALS');
    await ok('POST', `${G}/auth/login`, { body: { email: 'kam@solarium.test', password: 'demo1234' } });
    await refused('POST', `${G}/auth/login`, { body: { email: 'not-an-email', password: 'x' } }, 400, 'VALIDATION_FAILED');
    // Phone and a code by SMS, on the seed's login and on the generic OTP routes; refresh and logout.
    for (const [base, phone] of [['/solarium/auth', '9100000003'], [`${G}/auth`, '9100000004']] as const) {
      const sent = await ok('POST', `${base}/otp/request`, { body: { phone } });
      await refused('POST', `${base}/otp/request`, { body: { phone: '9999999990' } }, 404, 'NOT_FOUND');
      const session = base === '/solarium/auth' ? await ok('POST', '/solarium/auth/login', { body: { phone, otp: '123456' } }) : await ok('POST', `${G}/auth/otp/verify`, { body: { otpId: sent.otpId, code: '123456' } });
      if (base !== '/solarium/auth') await refused('POST', `${G}/auth/otp/verify`, { body: { otpId: sent.otpId, code: '000000' } }, 401, 'OTP_USED');
      const rotated = await ok('POST', `${base}/refresh`, { body: { refreshToken: session.refreshToken } });
      await refused('POST', `${base}/refresh`, { body: { refreshToken: 'not-a-token' } }, 401, 'UNAUTHENTICATED');
      await ok('POST', `${base}/logout`, { body: { refreshToken: rotated.refreshToken } });
      await refused('POST', `${base}/logout`, { body: { refreshToken: 'not-a-token' } }, 401, 'UNAUTHENTICATED');
    }

    const lead = await ok('POST', '/solarium/leads', { as: cp, body: { name: 'Ravi Kumar', phone: '9812345601', city: 'Pune', capacityKw: 5 } }, 201);
    await refused('POST', '/solarium/leads', { as: cp, body: { name: 'Ravi Again', phone: '9812345601', city: 'Pune' } }, 409, 'DUPLICATE');
    const spare = await ok('POST', `${G}/records/lead`, { as: admin, body: { name: 'Meena Iyer', phone: '9812345602', city: 'Chennai' } }, 201);
    await refused('POST', `${G}/records/lead`, { body: { name: 'Nobody', phone: '9812345603', city: 'Pune' } }, 401, 'UNAUTHENTICATED');

    await ok('GET', '/solarium/leads?city=Pune&sort=-name&limit=5', { as: cp });
    await refused('GET', '/solarium/leads', {}, 401);
    await ok('GET', `/solarium/leads/${lead.id}`, { as: cp });
    await refused('GET', `/solarium/leads/${randomUUID()}`, { as: cp }, 404, 'RECORD_NOT_FOUND');
    await ok('PATCH', `/solarium/leads/${lead.id}/status`, { as: cp, body: { newStatus: 'in_discussion', remarks: 'called', followUpDate: '2026-12-01' } });
    await refused('PATCH', `/solarium/leads/${lead.id}/status`, { as: cp, body: { newStatus: 'won' } }, 422, 'INVALID_TRANSITION');
    await ok('GET', `/solarium/leads/${lead.id}/timeline`, { as: cp });
    await refused('GET', `/solarium/leads/${lead.id}/timeline`, {}, 401);

    await ok('GET', `${G}/records/lead?sort=capacityKw`, { as: admin });
    await refused('GET', `${G}/records/lead?sort=colour`, { as: admin }, 400, 'BAD_REQUEST');
    const current = await ok('GET', `${G}/records/lead/${lead.id}`, { as: admin });
    expect(current.allowedEvents).toContain('site_survey');
    await ok('PATCH', `${G}/records/lead/${lead.id}`, { as: admin, body: { remarks: 'prefers mornings' }, headers: { 'If-Match': `"${current.version}"` } });
    await refused('PATCH', `${G}/records/lead/${lead.id}`, { as: admin, body: { remarks: 'stale' }, headers: { 'If-Match': `"${current.version}"` } }, 412, 'VERSION_MISMATCH');
    await ok('POST', `${G}/records/lead/${lead.id}/events/site_survey`, { as: admin, body: { remarks: 'visit booked' } });
    await refused('POST', `${G}/records/lead/${lead.id}/events/won`, { as: admin, body: {} }, 422, 'INVALID_TRANSITION');
    await ok('GET', `${G}/records/lead/${lead.id}/timeline`, { as: admin });
    await refused('GET', `${G}/records/lead/${lead.id}/timeline`, { as: { Authorization: 'Bearer x.y.z' } }, 401);
    await ok('DELETE', `${G}/records/lead/${spare.id}`, { as: admin });
    await refused('DELETE', `${G}/records/lead/${spare.id}`, { as: admin }, 404, 'RECORD_NOT_FOUND');
  });

  describe('PromoPartner', () => {
    const G = '/v1/apps/promopartner';
    let admin: Headers;
    let store: Headers;
    let kam: Headers;
    let promo: string;
    let customer = 9876400000;

    beforeAll(async () => {
      admin = await signIn(s, PHONES.admin);
      store = await signIn(s, PHONES.store);
      kam = await signIn(s, PHONES.kam);
      await seedMasterData(s, admin);
      promo = await activePromotion(s, admin);
    });

    it('sign-in by phone and code, refresh and logout, on seed and generic routes', async () => {
      for (const [base, phone] of [[`${BASE}/auth`, PHONES.kam], [`${G}/auth`, PHONES.parent]] as const) {
        const sent = await ok('POST', `${base}/otp/request`, { body: { phone } });
        await refused('POST', `${base}/otp/request`, { body: { phone: '9999999990' } }, 404, 'NOT_FOUND');
        await refused('POST', `${base}/otp/verify`, { body: { otpId: sent.otpId, code: '000000' } }, 401, 'OTP_INVALID');
        const session = await ok('POST', `${base}/otp/verify`, { body: { otpId: sent.otpId, code: '123456' } });
        const rotated = await ok('POST', `${base}/refresh`, { body: { refreshToken: session.refreshToken } });
        await refused('POST', `${base}/refresh`, { body: { refreshToken: 'not-a-token' } }, 401, 'UNAUTHENTICATED');
        await ok('POST', `${base}/logout`, { body: { refreshToken: rotated.refreshToken } });
        await refused('POST', `${base}/logout`, { body: { refreshToken: 'not-a-token' } }, 401, 'UNAUTHENTICATED');
      }
      // A web client gets cookies, and a body that says only who signed in.
      const sent = await ok('POST', `${BASE}/auth/otp/request`, { body: { phone: PHONES.kam } });
      const web = await ok('POST', `${BASE}/auth/otp/verify`, { body: { otpId: sent.otpId, code: '123456' }, headers: { 'X-Client-Type': 'web' } });
      expect(web.tokenType).toBe('Cookie');
    });

    it('master data and promotions on seed and generic routes', async () => {
      const samples: Record<string, { alias?: string; body: () => Record<string, unknown>; change: Record<string, unknown> }> = {
        store: { alias: 'stores', body: () => ({ storeId: `T${customer++}`, name: 'Test store', city: 'Pune', zone: 'West', pinCode: '411001' }), change: { name: 'Renamed store' } },
        product: { alias: 'products', body: () => ({ sku: `TST-${customer++}`, name: 'Test lens', category: 'lens', brand: 'Lenskart', mrp: 1500 }), change: { mrp: 1600 } },
        'store-group': { alias: 'store-groups', body: () => ({ code: `TG${customer++}`, name: 'Pune stores', filter: { fact: 'store', path: '$.city', operator: 'equal', value: 'Pune' } }), change: { name: 'Pune' } },
        'product-group': { alias: 'product-groups', body: () => ({ code: `TPG${customer++}`, name: 'Lenskart lenses', filter: { fact: 'product', path: '$.brand', operator: 'equal', value: 'Lenskart' } }), change: { name: 'LK' } },
        promotion: { alias: 'promotions', body: () => promotionBody(s), change: { description: 'Monsoon offer' } },
      };
      for (const [entity, sample] of Object.entries(samples)) {
        const at = `${G}/records/${entity}`;
        const made = await ok('POST', at, { as: admin, body: sample.body() }, 201);
        await refused('POST', at, { as: kam, body: sample.body() }, 403, 'FORBIDDEN');
        await ok('GET', `${at}?limit=2`, { as: kam });
        await ok('GET', `${at}/${made.id}`, { as: kam });
        await refused('GET', `${at}/${randomUUID()}`, { as: admin }, 404, 'RECORD_NOT_FOUND');
        await ok('PATCH', `${at}/${made.id}`, { as: admin, body: sample.change });
        await refused('PATCH', `${at}/${made.id}`, { as: admin, body: { colour: 'blue' } }, 400, 'VALIDATION_FAILED');
        await ok('GET', `${at}/${made.id}/timeline`, { as: admin });
        await ok('DELETE', `${at}/${made.id}`, { as: admin });
        await refused('DELETE', `${at}/${made.id}`, { as: kam }, 403, 'FORBIDDEN');

        const alias = `${BASE}/${sample.alias}`;
        const seeded = await ok('POST', alias, { as: admin, body: sample.body() }, 201);
        await refused('POST', alias, { as: admin, body: {} }, 400, 'VALIDATION_FAILED');
        await ok('GET', alias, { as: store });
        await refused('GET', alias, {}, 401, 'UNAUTHENTICATED');
        await ok('GET', `${alias}/${seeded.id}`, { as: kam });
        await ok('PATCH', `${alias}/${seeded.id}`, { as: admin, body: sample.change });
        await refused('PATCH', `${alias}/${seeded.id}`, { as: kam, body: sample.change }, 403, 'FORBIDDEN');
      }
      await refused('PATCH', `${BASE}/promotions/${promo}`, { as: admin, body: { startDate: '2030-01-01' } }, 422, 'FIELD_LOCKED');
    });

    it('the promotion lifecycle, evaluation and the test console', async () => {
      const p = await createPromotion(s, admin);
      await ok('PUT', `${BASE}/promotions/${p}/activate`, { as: admin });
      await refused('PUT', `${BASE}/promotions/${p}/activate`, { as: admin }, 422, 'INVALID_TRANSITION');
      await ok('PUT', `${BASE}/promotions/${p}/pause`, { as: admin });
      await refused('PUT', `${BASE}/promotions/${p}/pause`, { as: store }, 403);
      await ok('PUT', `${BASE}/promotions/${p}/resume`, { as: admin });
      await refused('PUT', `${BASE}/promotions/${p}/resume`, { as: admin }, 422, 'INVALID_TRANSITION');
      await ok('PUT', `${BASE}/promotions/${p}/archive`, { as: admin });
      await refused('PUT', `${BASE}/promotions/${p}/archive`, { as: admin }, 422, 'INVALID_TRANSITION');
      const q = await createPromotion(s, admin);
      await ok('POST', `${G}/records/promotion/${q}/events/archive`, { as: admin, body: { remarks: 'not needed' } });
      await refused('POST', `${G}/records/promotion/${q}/events/nothing`, { as: admin, body: {} }, 404, 'EVENT_NOT_FOUND');

      const cart = { storeId: 'S001', items: [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-MT-02', quantity: 1 }] };
      const consoleBody = { storeGroup: 'SOUTH', selections: { lens: { coating: 'blue-cut' }, frame: { frameMaterial: 'metal' } } };
      for (const at of [`${BASE}/promotions/evaluate`, `${G}/rules/promotions/evaluate`]) {
        expect((await ok('POST', at, { as: store, body: cart })).promotions.length).toBeGreaterThan(0);
        expect((await ok('POST', at, { as: admin, body: consoleBody })).promotions.length).toBeGreaterThan(0);
        await refused('POST', at, { as: store, body: { storeId: 'S001' } }, 400, 'VALIDATION_FAILED');
      }
    });

    it('customer verification and transactions on seed and generic routes', async () => {
      const verify = async (alias: boolean) => {
        const base = alias ? `${BASE}/promotions/${promo}` : `${G}/records/promotion/${promo}/otp/customer-verification`;
        const phone = String(customer++);
        const sent = await ok('POST', `${base}/${alias ? 'request-cust-otp' : 'request'}`, { as: store, body: { phone } });
        await refused('POST', `${base}/${alias ? 'request-cust-otp' : 'request'}`, { as: kam, body: { phone } }, 403, 'FORBIDDEN');
        await refused('POST', `${base}/${alias ? 'verify-cust-otp' : 'verify'}`, { as: store, body: { otpId: sent.otpId, code: '000000' } }, 401, 'OTP_INVALID');
        return (await ok('POST', `${base}/${alias ? 'verify-cust-otp' : 'verify'}`, { as: store, body: { otpId: sent.otpId, code: '123456' } })).verificationToken as string;
      };
      const items = [{ sku: 'LENS-BC-160', quantity: 1 }, { sku: 'FR-AC-01', quantity: 1 }];
      const ids: string[] = [];
      for (const [at, alias] of [[`${BASE}/transactions`, true], [`${G}/records/transaction`, false]] as const) {
        const made = await ok('POST', at, { as: store, body: { requestId: randomUUID(), promotionId: promo, verificationToken: await verify(alias), items } }, 201);
        expect(made).toMatchObject({ grossAmount: 7000, discountAmount: 400, netAmount: 6600, status: 'New' });
        ids.push(made.id);
        await refused('POST', at, { as: store, body: { requestId: randomUUID(), promotionId: promo, items } }, 400, 'VALIDATION_FAILED');
        await ok('GET', `${at}?storeId=S001&sort=-netAmount`, { as: store });
        await ok('GET', `${at}/${made.id}`, { as: kam });
      }
      const [viaAlias, viaGeneric] = ids as [string, string];
      await ok('PATCH', `${BASE}/transactions/${viaAlias}`, { as: store, body: { invoiceNumber: `INV${customer++}`, status: 'UnderReview' } });
      await refused('PATCH', `${BASE}/transactions/${viaAlias}`, { as: store, body: { status: 'Verified' } }, 422, 'INVALID_TRANSITION');
      await ok('PATCH', `${G}/records/transaction/${viaGeneric}`, { as: store, body: { pid: `PID${customer++}` } });
      await refused('PATCH', `${G}/records/transaction/${viaGeneric}`, { as: store, body: { netAmount: 1 } }, 403, 'FORBIDDEN');
      await ok('POST', `${G}/records/transaction/${viaGeneric}/events/submit_for_review`, { as: store });
      await refused('POST', `${G}/records/transaction/${viaGeneric}/events/settle`, { as: store, body: {} }, 422, 'INVALID_TRANSITION');
      await ok('GET', `${G}/records/transaction/${viaGeneric}/timeline`, { as: store });
      await refused('GET', `${G}/records/transaction/${randomUUID()}/timeline`, { as: store }, 404, 'RECORD_NOT_FOUND');
    });

    it('backtest and conflict lint of a promotion (stored, new, edited)', async () => {
      const candidate = { ...promotionBody(s), exclusive: true, priority: 7 };
      const draft = await createPromotion(s, admin, candidate);
      const replayed = await ok('POST', `${G}/rules/promotions/backtest`, { as: admin, body: { promotion: candidate, days: 7, limit: 1 } });
      expect(replayed.totals.matched).toBeGreaterThan(0);
      await ok('POST', `${G}/rules/promotions/backtest`, { as: admin, body: { promotionId: draft, promotion: { priority: 1 }, cursor: replayed.nextCursor } });
      await refused('POST', `${G}/rules/promotions/backtest`, { as: kam, body: { promotionId: draft } }, 403, 'FORBIDDEN');
      await refused('POST', `${G}/rules/promotions/backtest`, { as: admin, body: { promotion: { ...candidate, conditions: { fact: 'cart', path: '$.nothing', operator: 'equal', value: 1 } } } }, 422, 'RULE_INVALID');
      await refused('POST', `${G}/rules/promotions/backtest`, { as: admin, body: { promotionId: randomUUID() } }, 404, 'RECORD_NOT_FOUND');
      await ok('POST', `${G}/rules/promotions/lint`, { as: admin, body: {} });
      const linted = await ok('POST', `${G}/rules/promotions/lint`, { as: admin, body: { promotionId: draft, promotion: { startDate: daysFrom(s, -3), endDate: today(s) } } });
      expect(linted.warnings.map((w: { code: string }) => w.code)).toContain('ENDS_TODAY');
      await refused('POST', `${G}/rules/promotions/lint`, { as: store, body: {} }, 403, 'FORBIDDEN');
      await refused('POST', `${G}/rules/promotions/lint`, { as: admin, body: { promotion: { benefit: { type: 'percentOff', value: 120 } } } }, 422, 'RULE_INVALID');
      // Groups with the members they resolve to now; a store user sees only their own stores.
      const groups = await ok('GET', `${G}/rules/promotions/groups`, { as: admin });
      const south = groups.storeGroups.find((g: { code: string }) => g.code === 'SOUTH');
      expect(south.members).toEqual(expect.arrayContaining(['S001', 'S002']));
      expect(groups.productGroups.find((g: { code: string }) => g.code === 'LENSES').members).toContain('LENS-BC-160');
      const scoped = await ok('GET', `${G}/rules/promotions/groups`, { as: store });
      expect(scoped.storeGroups.find((g: { code: string }) => g.code === 'SOUTH')).toEqual({ code: 'SOUTH', members: ['S001'], total: south.total });
      await refused('GET', `${G}/rules/promotions/groups`, {}, 401, 'UNAUTHENTICATED');
    });

    it('CSV imports (upload URL, the upload, register, progress, error report) and the outbox', async () => {
      for (const [urlOf, jobs] of [[(e: string) => `${BASE}/csv-jobs/${e}/sas-url`, `${BASE}/csv-jobs`], [(e: string) => `${G}/imports/${e}/upload-url`, `${G}/import-jobs`]] as const) {
        const url = await ok('GET', urlOf('product'), { as: admin });
        await refused('GET', urlOf('nothing'), { as: admin }, 404, 'NOT_FOUND');
        await ok('PUT', url.uploadPath, { csv: `sku,name,category,mrp\nIMP-${customer},Imported,lens,100\nIMP-${customer + 1},Broken,lens,abc\n` }, 201);
        await refused('PUT', url.uploadPath, { csv: 'sku\n' }, 409, 'CONFLICT');
        customer += 2;
        const register = urlOf('product').replace(/(sas-url|upload-url)$/, 'register');
        const job = await ok('POST', register, { as: admin, body: { blobName: url.blobName } }, 202);
        await refused('POST', register, { as: admin, body: { blobName: url.blobName } }, 409, 'CONFLICT');
        await s.engine.imports.runPending();
        expect(await ok('GET', `${jobs}/${job.id}`, { as: admin })).toMatchObject({ status: 'completed', rowsApplied: 1, rowsFailed: 1, errorReport: true });
        await refused('GET', `${jobs}/${randomUUID()}`, { as: admin }, 404, 'NOT_FOUND');
        const report = await call('GET', `${jobs}/${job.id}/errors`, { as: admin });
        expect(report.status).toBe(200);
        expect(report.text).toContain('mrp');
        await refused('GET', `${jobs}/${job.id}/errors`, { as: store }, 403, 'FORBIDDEN');
      }
      await refused('PUT', `${G}/uploads/not-a-token`, { csv: 'sku\n' }, 401, 'UNAUTHENTICATED');

      await ok('GET', `${G}/outbox`, { as: admin });
      await refused('GET', `${G}/outbox`, { as: kam }, 403, 'FORBIDDEN');
      const dead = await deadMessage('promopartner');
      await ok('POST', `${G}/outbox/${dead}/retry`, { as: admin });
      await refused('POST', `${G}/outbox/${dead}/retry`, { as: admin }, 409, 'CONFLICT');
    });
  });

  it('change sets and releases (definitions at runtime), in every app that lets a role change them', async () => {
    // Fresh sessions: the fake clock has moved past the cached ones' hour.
    const password = async (email: string) => ({ Authorization: `Bearer ${(await supertest(s.http).post('/v1/apps/solarium/auth/login').send({ email, password: 'demo1234' })).body.data.accessToken as string}` });
    const ekycOps = { Authorization: `Bearer ${(await supertest(s.http).post('/v1/apps/ekyc/auth/login').send({ email: 'ops@ekyc.test', password: 'demo1234' })).body.data.accessToken as string}` };
    // `kam`: someone the app refuses (eKYC has no signed-in role without the right: nobody signed in).
    const people = {
      solarium: { admin: await password('admin@solarium.test'), kam: await password('kam@solarium.test'), workflowEntity: 'lead' },
      promopartner: { admin: await signIn(s, PHONES.admin), kam: await signIn(s, PHONES.kam), workflowEntity: 'promotion' },
      ekyc: { admin: ekycOps, kam: {}, workflowEntity: 'lead' },
    };
    for (const [app, { admin, kam, workflowEntity }] of Object.entries(people)) {
      const G = `/v1/apps/${app}`;
      const denied: [number, string] = Object.keys(kam).length ? [403, 'FORBIDDEN'] : [401, 'UNAUTHENTICATED'];
      const set = await ok('POST', `${G}/changes`, { as: admin, body: { title: 'Rename the app' } }, 201);
      await refused('POST', `${G}/changes`, { as: kam, body: { title: 'Not mine' } }, ...denied);
      await ok('GET', `${G}/changes`, { as: admin });
      await refused('GET', `${G}/changes?status=lost`, { as: admin }, 400, 'BAD_REQUEST');
      await ok('GET', `${G}/changes/${set.id}`, { as: admin });
      await refused('GET', `${G}/changes/${randomUUID()}`, { as: admin }, 404, 'NOT_FOUND');
      const releases = await ok('GET', `${G}/releases`, { as: admin });
      await refused('GET', `${G}/releases`, { as: kam }, ...denied);
      const first = await ok('GET', `${G}/releases/${releases.at(-1).number}`, { as: admin });
      await refused('GET', `${G}/releases/999`, { as: admin }, 404, 'NOT_FOUND');
      await ok('GET', `${G}/releases/${first.number}/diff`, { as: admin });
      await refused('GET', `${G}/releases/${first.number}/diff?against=zz`, { as: admin }, 400, 'BAD_REQUEST');
      const appDef = first.definitions.find((d: { kind: string }) => d.kind === 'app').content;
      await ok('PUT', `${G}/changes/${set.id}/definitions/app/${app}`, { as: admin, body: { ...appDef, name: `${appDef.name} (renamed)` } });
      await refused('PUT', `${G}/changes/${set.id}/definitions/app/other`, { as: admin, body: appDef }, 400, 'VALIDATION_FAILED');
      const extra = await ok('POST', `${G}/changes`, { as: admin, body: { title: 'A template to drop' } }, 201);
      await ok('DELETE', `${G}/changes/${extra.id}/definitions/template/nothing`, { as: admin });
      await refused('DELETE', `${G}/changes/${extra.id}/definitions/app/${app}`, { as: admin }, 400, 'VALIDATION_FAILED');
      await ok('POST', `${G}/changes/${extra.id}/discard`, { as: admin });
      await refused('POST', `${G}/changes/${extra.id}/discard`, { as: admin }, 409, 'CONFLICT');
      await refused('POST', `${G}/changes/${extra.id}/publish`, { as: admin, body: {} }, 409, 'CONFLICT');
      const released = await ok('POST', `${G}/changes/${set.id}/publish`, { as: admin, body: { comment: 'Wording' } });
      expect(released.source).toBe('admin');
      await ok('POST', `${G}/releases/${first.number}/rollback`, { as: admin, body: { comment: 'Back' } });
      await refused('POST', `${G}/releases/0/rollback`, { as: admin, body: {} }, 404, 'NOT_FOUND');
      await ok('POST', `${G}/releases/${first.number}/migrate`, { as: admin, body: { entity: workflowEntity, dryRun: true } });
      await refused('POST', `${G}/releases/${first.number}/migrate`, { as: admin, body: { entity: 'nothing' } }, 400, 'VALIDATION_FAILED');
    }
  });

  it('simulation (live and against a change set) and the saved test cases, in every app that lets a role change definitions', async () => {
    const password = async (email: string) => ({ Authorization: `Bearer ${(await supertest(s.http).post('/v1/apps/solarium/auth/login').send({ email, password: 'demo1234' })).body.data.accessToken as string}` });
    const asks = {
      solarium: {
        admin: await password('admin@solarium.test'),
        kam: await password('kam@solarium.test'),
        move: { kind: 'move', entity: 'lead', record: { status: 'new_lead', name: 'Ravi' }, role: 'cp', target: 'in_discussion', remarks: 'called' },
        refusedMove: { kind: 'move', entity: 'lead', record: { status: 'new_lead' }, role: 'cp', target: 'won' },
        other: { kind: 'move', entity: 'lead', record: { status: 'new_lead' }, role: 'admin', target: 'won', override: true, remarks: 'signed' },
      },
      promopartner: {
        admin: await signIn(s, PHONES.admin),
        kam: await signIn(s, PHONES.kam),
        move: { kind: 'move', entity: 'promotion', record: { status: 'draft', startDate: '2099-01-01' }, role: 'admin', event: 'activate' },
        refusedMove: { kind: 'move', entity: 'transaction', record: { status: 'New' }, role: 'store', event: 'settle' },
        other: { kind: 'template', template: 'login-otp-sms', data: { otp: { code: '123456', validMinutes: 10 }, app: { id: 'promopartner', name: 'PromoPartner' } } },
      },
      ekyc: {
        admin: { Authorization: `Bearer ${(await supertest(s.http).post('/v1/apps/ekyc/auth/login').send({ email: 'ops@ekyc.test', password: 'demo1234' })).body.data.accessToken as string}` },
        kam: undefined,
        move: { kind: 'move', entity: 'lead', record: { state: 'MOBILE_VERIFIED' }, role: 'applicant', event: 'submit_pan', input: { panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' } },
        refusedMove: { kind: 'move', entity: 'lead', record: { state: 'ADDRESS_SUBMITTED' }, role: 'applicant', event: 'submit_pan', input: { panNumber: 'ABCDE1234F', nameOnPan: 'Asha Rao' } },
        other: { kind: 'template', template: 'mobile-otp-sms', data: { otp: { code: '1234', validMinutes: 5 } } },
      },
    };
    for (const [app, { admin, kam, move, refusedMove, other }] of Object.entries(asks)) {
      const G = `/v1/apps/${app}`;
      expect(await ok('POST', `${G}/simulate`, { as: admin, body: move })).toMatchObject({ kind: 'move', allowed: true });
      expect(await ok('POST', `${G}/simulate`, { as: admin, body: refusedMove })).toMatchObject({ allowed: false, code: 'INVALID_TRANSITION' });
      await ok('POST', `${G}/simulate`, { as: admin, body: other });
      if (kam) await refused('POST', `${G}/simulate`, { as: kam, body: move }, 403, 'FORBIDDEN');
      else await refused('POST', `${G}/simulate`, { body: move }, 401, 'UNAUTHENTICATED');
      await refused('POST', `${G}/simulate`, { as: admin, body: { ...move, colour: 'blue' } }, 400, 'VALIDATION_FAILED');
      await refused('POST', `${G}/simulate`, { as: admin, body: { ...move, entity: 'nothing' } }, 400, 'VALIDATION_FAILED');

      const set = await ok('POST', `${G}/changes`, { as: admin, body: { title: 'Try it first' } }, 201);
      expect(await ok('POST', `${G}/changes/${set.id}/simulate`, { as: admin, body: move })).toMatchObject({ allowed: true });
      await refused('POST', `${G}/changes/${set.id}/simulate`, { as: admin, body: { ...move, event: 'fly', target: undefined } }, 400, 'VALIDATION_FAILED');
      await refused('POST', `${G}/changes/${randomUUID()}/simulate`, { as: admin, body: move }, 404, 'NOT_FOUND');
      const run = await ok('GET', `${G}/changes/${set.id}/tests`, { as: admin });
      expect(run.failed).toEqual([]);
      expect(run.coverage.untested.length).toBeGreaterThan(0);
      if (kam) await refused('GET', `${G}/changes/${set.id}/tests`, { as: kam }, 403, 'FORBIDDEN');
      expect((await ok('GET', `${G}/tests`, { as: admin })).failed).toEqual([]);
      if (kam) await refused('GET', `${G}/tests`, { as: kam }, 403, 'FORBIDDEN');
      else await refused('GET', `${G}/tests`, {}, 401, 'UNAUTHENTICATED');
      await ok('POST', `${G}/changes/${set.id}/discard`, { as: admin });
      await refused('GET', `${G}/changes/${set.id}/tests`, { as: admin }, 409, 'CONFLICT');
    }
  });

  it('the sync bundle, on the seed route and the generic one', async () => {
    const admin = { Authorization: `Bearer ${(await supertest(s.http).post('/v1/apps/solarium/auth/login').send({ email: 'admin@solarium.test', password: 'demo1234' })).body.data.accessToken as string}` };
    for (const url of ['/solarium/sync', '/v1/apps/solarium/sync']) {
      expect(await ok('GET', url, { as: admin })).toMatchObject({ entities: { lead: expect.any(Array) } });
      await refused('GET', url, {}, 401, 'UNAUTHENTICATED');
    }
  });

  it('files on records (Solarium lead documents and customer KYC), on the seed routes and the generic ones, and their downloads', async () => {
    const as = async (email: string) => ({ Authorization: `Bearer ${(await supertest(s.http).post('/v1/apps/solarium/auth/login').send({ email, password: 'demo1234' })).body.data.accessToken as string}` });
    const [cp, kam, admin, other] = [await as('cp1@solarium.test'), await as('kam@solarium.test'), await as('admin@solarium.test'), await as('cp2@solarium.test')];
    const pdf = { name: 'bill.pdf', content: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n') };
    const png = { name: 'bill.pdf', content: Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex') };
    const lead = await ok('POST', '/solarium/leads', { as: cp, body: { name: 'Files', phone: '9000000900', city: 'Pune' } }, 201);
    const customer = await ok('POST', '/solarium/customers', { as: cp, body: { name: 'Meera', phone: '9000000901', email: 'customer1@solarium.test' } }, 201);
    await refused('POST', '/solarium/customers', { as: cp, body: { name: 'No phone' } }, 400, 'VALIDATION_FAILED');
    await ok('GET', `/solarium/customers/${customer.id}`, { as: cp });
    await refused('GET', `/solarium/customers/${customer.id}`, { as: other }, 404, 'RECORD_NOT_FOUND');
    const G = '/v1/apps/solarium/records';
    for (const [entity, id, seed] of [['lead', lead.id, `/solarium/leads/${lead.id}/docs`], ['customer', customer.id, `/solarium/customers/${customer.id}/kyc`]] as const) {
      const slot = entity === 'lead' ? 'docs' : 'kyc';
      const first = await ok('POST', seed, { as: cp, file: pdf }, 201);
      await refused('POST', seed, { as: cp, file: png }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await ok('GET', seed, { as: cp });
      await refused('GET', seed, { as: other }, 404, 'RECORD_NOT_FOUND');
      const second = await ok('POST', `${G}/${entity}/${id}/files/${slot}`, { as: cp, file: pdf }, 201);
      await refused('POST', `${G}/${entity}/${id}/files/${slot}`, { as: other, file: pdf }, 404, 'RECORD_NOT_FOUND');
      await ok('GET', `${G}/${entity}/${id}/files?slot=${slot}`, { as: cp });
      await refused('GET', `${G}/${entity}/${id}/files`, { as: other }, 404, 'RECORD_NOT_FOUND');
      const got = await ok('GET', `${G}/${entity}/${id}/files/${slot}/${first.id}`, { as: kam });
      await refused('GET', `${G}/${entity}/${id}/files/${slot}/${randomUUID()}`, { as: kam }, 404, 'NOT_FOUND');
      await ok('POST', `${G}/${entity}/${id}/files/${slot}/${first.id}/review`, { as: kam, body: { status: 'approved', note: 'Clear' } });
      await refused('POST', `${G}/${entity}/${id}/files/${slot}/${first.id}/review`, { as: cp, body: { status: 'approved' } }, 403, 'FORBIDDEN');
      await ok('DELETE', `${G}/${entity}/${id}/files/${slot}/${second.id}`, { as: admin });
      await refused('DELETE', `${G}/${entity}/${id}/files/${slot}/${second.id}`, { as: admin }, 409, 'CONFLICT');
      const target = await ok('POST', `${G}/${entity}/${id}/files/${slot}/upload-url`, { as: cp, body: { fileName: 'direct.pdf' } });
      await refused('POST', `${G}/${entity}/${id}/files/${slot}/upload-url`, { as: cp, body: { fileName: 'x.pdf', colour: 'blue' } }, 400, 'VALIDATION_FAILED');
      const put = await supertest(s.http).put(new URL(target.uploadUrl as string).pathname).set('Content-Type', 'application/octet-stream').send(pdf.content);
      c.check('PUT', new URL(target.uploadUrl as string).pathname, put);
      expect(put.status).toBe(201);
      await ok('POST', `${G}/${entity}/${id}/files/${slot}/complete`, { as: cp, body: { upload: target.upload } }, 201);
      await refused('POST', `${G}/${entity}/${id}/files/${slot}/complete`, { as: cp, body: { upload: target.upload } }, 409, 'CONFLICT');
      if (entity === 'lead') {
        const download = new URL(got.download.url as string).pathname;
        await call('GET', download).then((res) => expect(res.status).toBe(200));
        await refused('GET', `${download}x`, {}, 401, 'UNAUTHENTICATED');
      }
    }
    await ok('GET', `/solarium/customers/${customer.id}/kyc/log`, { as: cp });
    await refused('GET', `/solarium/customers/${customer.id}/kyc/log`, { as: other }, 404, 'RECORD_NOT_FOUND');
    // The customer entity on the generic routes.
    const made = await ok('POST', `${G}/customer`, { as: kam, body: { name: 'Generic', phone: '9000000902' } }, 201);
    await refused('POST', `${G}/customer`, { as: kam, body: { name: 'Generic', phone: '9000000902' } }, 409, 'DUPLICATE');
    await ok('GET', `${G}/customer?limit=5`, { as: kam });
    await refused('GET', `${G}/customer?limit=nope`, { as: kam }, 400);
    await ok('GET', `${G}/customer/${made.id}`, { as: kam });
    await refused('GET', `${G}/customer/${randomUUID()}`, { as: kam }, 404, 'RECORD_NOT_FOUND');
    await ok('PATCH', `${G}/customer/${made.id}`, { as: kam, body: { city: 'Pune' } });
    await refused('PATCH', `${G}/customer/${made.id}`, { as: kam, body: { colour: 'blue' } }, 400, 'VALIDATION_FAILED');
    await ok('GET', `${G}/customer/${made.id}/timeline`, { as: kam });
    await refused('GET', `${G}/customer/${made.id}/timeline`, { as: other }, 404, 'RECORD_NOT_FOUND');
    await refused('DELETE', `${G}/customer/${made.id}`, { as: kam }, 403, 'FORBIDDEN');
    await ok('DELETE', `${G}/customer/${made.id}`, { as: admin });
  });

  it('Solarium quotations (with their PDF) and commissions, on the seed routes and the generic ones', async () => {
    const as = async (email: string) => ({ Authorization: `Bearer ${(await supertest(s.http).post('/v1/apps/solarium/auth/login').send({ email, password: 'demo1234' })).body.data.accessToken as string}` });
    const [cp, admin, other] = [await as('cp1@solarium.test'), await as('admin@solarium.test'), await as('cp2@solarium.test')];
    const me = (await supertest(s.http).get('/v1/apps/solarium/users?role=cp').set(admin)).body.data.find((u: { email: string }) => u.email === 'cp1@solarium.test').id as string;
    const wizard = (leadId: string, extra: Record<string, unknown> = {}) => ({
      leadId, assignedCp: me, location: 'Kothrud, Pune', phase: 'single', capacityKw: 3, panelModel: 'Mono PERC 540', panelWattage: 540, panelCount: 6, inverterModel: 'Grid-tie 3 kW',
      lines: [{ label: 'Panels', qty: 6, unitPrice: 14500 }, { label: 'Inverter', qty: 1, unitPrice: 38000 }], ...extra,
    });
    const lead = await ok('POST', '/solarium/leads', { as: cp, body: { name: 'Quoted', phone: '9000000950', city: 'Pune' } }, 201);
    const q = await ok('POST', '/solarium/quotations', { as: cp, body: wizard(lead.id) });
    await refused('POST', '/solarium/quotations', { as: cp, body: wizard(lead.id, { capacityKw: 8, panelCount: 15 }) }, 400);
    const q2 = await ok('POST', '/v1/apps/solarium/records/quotation', { as: cp, body: wizard(lead.id) }, 201);
    await refused('POST', '/v1/apps/solarium/records/quotation', { as: cp, body: wizard(lead.id, { total: 1 }) }, 400);
    for (const url of [`/solarium/quotations/${q.quotationReference}`, `/v1/apps/solarium/records/quotation/${q2.id}`, `/v1/apps/solarium/records/quotation/${q2.id}/timeline`]) {
      await ok('GET', url, { as: cp });
      await refused('GET', url, { as: other }, 404, 'RECORD_NOT_FOUND');
    }
    await ok('GET', `/v1/apps/solarium/records/quotation?leadId=${lead.id}`, { as: cp });
    await refused('GET', '/v1/apps/solarium/records/quotation?colour=blue', { as: cp }, 400);
    const pdf = (url: string) => pdfDownload(url, cp);
    await pdf(`/solarium/quotations/${q.quotationReference}/pdf`);
    await pdf(`/v1/apps/solarium/records/quotation/${q2.id}/documents/pdf`);
    await refused('GET', `/solarium/quotations/${q.quotationReference}/pdf`, { as: other }, 404, 'RECORD_NOT_FOUND');
    await refused('GET', `/v1/apps/solarium/records/quotation/${q2.id}/documents/pdf`, {}, 401, 'UNAUTHENTICATED');
    // Sharing and the customer's acceptance (which moves the lead to customer_accepted), seed-style and generic.
    const customer = await as('customer1@solarium.test');
    const QG = '/v1/apps/solarium/records/quotation';
    const sharedLead = async (phone: string) => {
      const l = await ok('POST', '/solarium/leads', { as: cp, body: { name: 'Accepting', phone, city: 'Pune', customer: 'customer1@solarium.test' } }, 201);
      for (const newStatus of ['in_discussion', 'quotation_shared']) expect((await supertest(s.http).patch(`/solarium/leads/${l.id}/status`).set(cp).send({ newStatus })).status).toBe(200);
      return l.id as string;
    };
    const [l1, l2] = [await sharedLead('9000000951'), await sharedLead('9000000952')];
    const q3 = await ok('POST', '/solarium/quotations', { as: cp, body: wizard(l1, { customer: 'customer1@solarium.test' }) });
    const q4 = await ok('POST', QG, { as: cp, body: wizard(l2, { customer: 'customer1@solarium.test' }) }, 201);
    await refused('POST', `/solarium/quotations/${q3.quotationReference}/share`, { as: other, body: {} }, 404, 'RECORD_NOT_FOUND');
    await ok('POST', `/solarium/quotations/${q3.quotationReference}/share`, { as: cp, body: {} });
    await refused('POST', `${QG}/${q2.id}/events/share`, { as: cp, body: {} }, 400, 'VALIDATION_FAILED');
    await ok('POST', `${QG}/${q4.id}/events/share`, { as: cp, body: {} });
    await refused('POST', `/solarium/quotations/${q3.quotationReference}/accept`, { as: cp, body: {} }, 422, 'INVALID_TRANSITION');
    await ok('POST', `/solarium/quotations/${q3.quotationReference}/accept`, { as: customer, body: {} });
    await ok('POST', `${QG}/${q4.id}/events/accept`, { as: customer, body: {} });
    // Executing the lead (with its quotation) creates the commission.
    expect((await supertest(s.http).patch(`/v1/apps/solarium/records/lead/${lead.id}`).set(cp).send({ quotationId: q.quotationReference })).status).toBe(200);
    for (const newStatus of ['in_discussion', 'quotation_shared', 'won', 'executed']) expect((await supertest(s.http).patch(`/solarium/leads/${lead.id}/status`).set(cp).send({ newStatus })).status).toBe(200);
    const [commission] = (await ok('GET', '/solarium/commissions', { as: cp })).items;
    await refused('GET', '/solarium/commissions?sort=nope', { as: cp }, 400);
    await ok('GET', `/v1/apps/solarium/records/commission?leadId=${lead.id}`, { as: cp });
    await refused('GET', '/v1/apps/solarium/records/commission', {}, 401, 'UNAUTHENTICATED');
    for (const url of [`/v1/apps/solarium/records/commission/${commission.id}`, `/v1/apps/solarium/records/commission/${commission.id}/timeline`]) {
      await ok('GET', url, { as: cp });
      await refused('GET', url, { as: other }, 404, 'RECORD_NOT_FOUND');
    }
    await ok('POST', `/solarium/commissions/${commission.id}/approveOrPay`, { as: admin, body: {} });
    await refused('POST', `/solarium/commissions/${commission.id}/approveOrPay`, { as: cp, body: {} }, 403);
    await refused('POST', `/v1/apps/solarium/records/commission/${commission.id}/events/approve_or_pay`, { as: admin, body: { input: { utr: 'UTR' } } }, 400);
    await ok('POST', `/v1/apps/solarium/records/commission/${commission.id}/events/approve_or_pay`, { as: admin, body: { input: { utr: 'UTR123456', paymentDate: '2026-12-01', paymentMethod: 'NEFT' } } });
  });

  it('users as data, in every app whose roles may manage users', async () => {
    const password = async (app: string, email: string) => ({ Authorization: `Bearer ${(await supertest(s.http).post(`/v1/apps/${app}/auth/login`).send({ email, password: 'demo1234' })).body.data.accessToken as string}` });
    const admins = { solarium: await password('solarium', 'admin@solarium.test'), promopartner: await signIn(s, PHONES.admin) };
    let phone = 9000000700;
    for (const [app, admin] of Object.entries(admins)) {
      const G = `/v1/apps/${app}`;
      // A role the API may give: not public, and managing neither users nor definitions.
      const roles = s.engine.registry().apps.get(app)!.roles;
      const role = Object.keys(roles).find((r) => !roles[r]!.public && !roles[r]!.operations?.users && !roles[r]!.definitions)!;
      const user = await ok('POST', `${G}/users`, { as: admin, body: { phone: String(phone++), role, displayName: 'Conformance' } }, 201);
      await refused('POST', `${G}/users`, { as: admin, body: { role: 'nobody', email: 'n@x.test' } }, 400, 'VALIDATION_FAILED');
      await ok('GET', `${G}/users?active=true`, { as: admin });
      await refused('GET', `${G}/users?active=perhaps`, { as: admin }, 400, 'BAD_REQUEST');
      await ok('GET', `${G}/users/${user.id}`, { as: admin });
      await refused('GET', `${G}/users/${randomUUID()}`, { as: admin }, 404, 'NOT_FOUND');
      await ok('PATCH', `${G}/users/${user.id}`, { as: admin, body: { displayName: 'Renamed' } });
      await refused('PATCH', `${G}/users/${user.id}`, { as: admin, body: { colour: 'blue' } }, 400, 'VALIDATION_FAILED');
      await ok('POST', `${G}/users/${user.id}/deactivate`, { as: admin });
      await refused('POST', `${G}/users/${randomUUID()}/deactivate`, { as: admin }, 404, 'NOT_FOUND');
    }
  });

  it('self-registration with approval, on the generic routes and Solarium\'s aliases', async () => {
    const admin = { Authorization: `Bearer ${(await supertest(s.http).post('/v1/apps/solarium/auth/login').send({ email: 'admin@solarium.test', password: 'demo1234' })).body.data.accessToken as string}` };
    const G = '/v1/apps/solarium';
    const register = async (base: string, phone: string) => {
      const { otpId } = await ok('POST', `${base}/otp`, { body: { phone } });
      return ok('POST', base, { body: { role: 'cp', displayName: 'Conformance CP', phone, otpId, code: '123456', attributes: { city: 'Pune' } } }, 202);
    };
    await register(`${G}/registrations`, '9300000001');
    await register('/solarium/auth/register', '9300000002');
    await refused('POST', `${G}/registrations/otp`, { body: { phone: '12' } }, 400, 'VALIDATION_FAILED');
    await refused('POST', '/solarium/auth/register/otp', { body: {} }, 400, 'VALIDATION_FAILED');
    await refused('POST', `${G}/registrations`, { body: { role: 'admin', displayName: 'x', phone: '9300000003', otpId: randomUUID(), code: '123456' } }, 400, 'VALIDATION_FAILED');
    await refused('POST', '/solarium/auth/register', { body: { role: 'cp', displayName: 'x', phone: '9300000003', otpId: randomUUID(), code: '123456' } }, 401, 'OTP_INVALID');
    const pending = await ok('GET', `${G}/registrations`, { as: admin });
    const [a, b] = pending.filter((u: { phone: string }) => ['9300000001', '9300000002'].includes(u.phone));
    await refused('GET', `${G}/registrations?status=active`, { as: admin }, 400, 'BAD_REQUEST');
    await ok('POST', `${G}/registrations/${a.id}/approve`, { as: admin, body: { remarks: 'Known partner' } });
    await refused('POST', `${G}/registrations/${a.id}/approve`, { as: admin }, 409, 'CONFLICT');
    await ok('POST', `${G}/registrations/${b.id}/reject`, { as: admin, body: { reason: 'Unknown company' } });
    await refused('POST', `${G}/registrations/${b.id}/reject`, { as: admin, body: {} }, 400, 'VALIDATION_FAILED');
  });

  it('the server: health', async () => {
    await ok('GET', '/healthz');
    await ok('GET', '/v1/apps');
    await refused('GET', '/v1/apps?x=%00', {}, 400, 'BAD_REQUEST');
    await refused('GET', '/healthz?probe=%00', {}, 400, 'BAD_REQUEST');
  });

  it('refuses a request without credentials (or with a body it cannot take) at every documented operation, as documented', async () => {
    const example = (schema: Doc | undefined) => (schema?.enum ? String(schema.enum[0]) : schema?.format === 'uuid' ? randomUUID() : 'x');
    for (const d of c.operations) {
      const params = Object.fromEntries(((d.operation.parameters ?? []) as Doc[]).filter((p) => p.in === 'path').map((p) => [p.name, example(p.schema)]));
      const url = d.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
      const csv = d.operation.requestBody?.content?.['text/csv'] ? '' : undefined;
      const res = await call(d.method, url, csv === undefined && d.operation.requestBody ? { body: { unexpected: true } } : { csv });
      // Either refused (4xx), or — for a public read with nothing to refuse — the check above already held it to the document.
      if (res.status < 400) expect(['GET /healthz', 'GET /v1/apps']).toContain(d.key);
    }
  });

  it('has now seen every documented operation both accept and refuse a request', () => {
    const all = c.operations.map((d) => d.key);
    expect(all.length).toBeGreaterThan(110);
    expect(all.filter((k) => !c.coverage.ok.has(k))).toEqual([]);
    expect(all.filter((k) => !c.coverage.refused.has(k))).toEqual([]);
  });
});
