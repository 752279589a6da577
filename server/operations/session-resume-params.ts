// What a resumable record session asks a caller for (records/resume-record-session.ts): the field its
// duplicate check keys on (eKYC: the mobile number), and with it the code for the new session.
import type { CompiledApp, CompiledEntity } from '../../engine/index.ts';
import type { JsonSchema, OperationTarget } from './operation-spec.ts';
import { publicSchema } from './schemas/public-schema.ts';

/** The field a session of the entity is resumed by, if the public role's session says `resume`. */
export function resumeField(app: CompiledApp, entity: CompiledEntity | undefined): string | undefined {
  const resume = entity && Object.values(app.roles).find((r) => r.public)?.permissions?.[entity.name]?.session?.resume;
  return resume && entity.definition.dedupe?.find((d) => d.name === resume.dedupe)?.field;
}

export const resumable = (app: CompiledApp, entity?: CompiledEntity) => resumeField(app, entity) !== undefined;

/** { <field> } for the code; { <field>, otp } for the session. */
export function resumeBody(t: OperationTarget, withCode: boolean): JsonSchema {
  const field = resumeField(t.app, t.entity)!;
  const policy = t.app.otpPolicies.get(Object.values(t.app.roles).find((r) => r.public)!.permissions![t.entity!.name]!.session!.resume!.otp);
  const properties: Record<string, JsonSchema> = { [field]: publicSchema(t.entity!.fields[field] as JsonSchema) };
  if (withCode) properties.otp = { type: 'string', pattern: `^[0-9]{${policy?.digits ?? 4}}$`, description: 'The code last sent to it' };
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}
