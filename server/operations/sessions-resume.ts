import { appOf, need } from './call-context.ts';
import type { OperationSpec } from './operation-spec.ts';
import { ok, sessionHeaders, withEtag } from './operation-result.ts';
import { recordAnswer } from './record-answer.ts';
import { resumable, resumeBody, resumeField } from './session-resume-params.ts';

export const sessionsResume: OperationSpec<'sessions.resume'> = {
  name: 'sessions.resume',
  method: 'POST',
  genericPath: '/v1/apps/{app}/sessions/{entity}',
  summary: (t) => `Regain the session of a ${t.entity!.label} with its ${resumeField(t)} and the code last sent to it: a new token (X-Session-Token; every earlier token of the record ends) and the record, as reading it answers`,
  auth: 'public',
  body: (t) => resumeBody(t, true),
  response: (t) => ({ ...recordAnswer(t, 200), sessionToken: true }),
  // Any refusal of the code is one bare OTP_INVALID (used, expired, locked would tell a record exists).
  errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND', 'OTP_INVALID'],
  servedFor: resumable,
  handler: async (engine, req, call) => {
    const { record, session } = await engine.sessions.resume(appOf(engine, call), need(call.entity, 'entity'), req.body);
    return { ...withEtag(ok(record.data, { message: 'Session resumed', journeyStatus: record.journeyStatus }), record.data.version), headers: sessionHeaders(session) };
  },
};
