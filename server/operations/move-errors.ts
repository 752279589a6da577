import type { ErrorCode } from '../../engine/index.ts';

/** What a workflow move may answer, whichever way it is asked (an event, a target state). */
export const MOVE_ERRORS: readonly ErrorCode[] = [
  'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'RECORD_NOT_FOUND', 'ENTITY_NOT_FOUND', 'APP_NOT_FOUND', 'EVENT_NOT_FOUND', 'INVALID_TRANSITION',
  'REMARKS_REQUIRED', 'STAGE_NOT_REACHED', 'LIMIT_REACHED', 'VERSION_MISMATCH', 'CONFLICT', 'DUPLICATE', 'RULE_INVALID', 'FIELD_LOCKED',
  'OTP_INVALID', 'OTP_EXPIRED', 'OTP_USED', 'LOCKED',
  // A move with a verification step: refused with the step's own codes (BE_PAN_NAME_MISMATCH), or no provider could answer.
  'VERIFICATION_FAILED', 'VERIFICATION_UNAVAILABLE',
];
