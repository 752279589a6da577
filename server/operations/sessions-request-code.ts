import { appOf, need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok } from './operation-result.ts';
import { envelope } from './schemas/envelope.ts';
import { resumable, resumeBody, resumeField } from './session-resume-params.ts';

export const sessionsRequestCode: OperationSpec<'sessions.requestCode'> = {
  name: 'sessions.requestCode',
  method: 'POST',
  genericPath: '/v1/apps/{app}/sessions/{entity}/code',
  summary: (t) => `Ask for a code to regain the session of a ${t.entity!.label} (its token expired): sent to the ${resumeField(t)} it was created with. The answer is the same whether or not one was`,
  auth: 'public',
  body: (t) => resumeBody(t, false),
  response: () => ({
    status: 200,
    schema: envelope({ type: 'object', additionalProperties: false, required: ['channels', 'expiresInSeconds'], properties: { channels: { type: 'array', items: { enum: ['sms', 'email'] } }, expiresInSeconds: { type: 'integer' } } }),
  }),
  // A limit or lockout is not told either: the answer is the same whether or not a code went.
  errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND'],
  servedFor: resumable,
  handler: async (engine, req, call) => {
    const app = appOf(engine, call);
    const sent = await engine.sessions.requestCode(app, need(call.entity, 'entity'), req.body);
    return ok(sent, { message: `If a ${app.entities.get(call.entity!)?.label.toLowerCase() ?? 'record'} was started with it, a code was sent to it` });
  },
};
