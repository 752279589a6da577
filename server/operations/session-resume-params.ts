// What a resumable record session asks a caller for (records/resume-record-session.ts): the field its
// duplicate check keys on (eKYC: the mobile number), and with it the code for the new session.
import { resumeOf, type CompiledApp, type CompiledEntity } from '../../engine/index.ts';
import type { JsonSchema, OperationTarget } from './operation-spec.ts';
import { publicSchema } from './schemas/public-schema.ts';

export const resumable = (app: CompiledApp, entity?: CompiledEntity) => Boolean(entity && resumeOf(app, entity));

/** The field a session of the entity is resumed by (load-checked to exist where a route serves it). */
export const resumeField = (t: OperationTarget) => (t.entity && resumeOf(t.app, t.entity)?.field) ?? 'value';

/** { <field> } for the code; { <field>, otp } for the session. */
export function resumeBody(t: OperationTarget, withCode: boolean): JsonSchema {
  const resume = resumeOf(t.app, t.entity!);
  if (!resume) return { type: 'object' };
  const properties: Record<string, JsonSchema> = { [resume.field]: publicSchema(t.entity!.fields[resume.field] as JsonSchema) };
  if (withCode) properties.otp = { type: 'string', pattern: `^[0-9]{${resume.policy.digits}}$`, description: 'The code last sent to it' };
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}
