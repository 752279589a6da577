// What a lint is asked: the live promotions alone, or with a candidate (stored, new, or edited).
import { CANDIDATE_PROPERTIES, type CandidateBody } from './promotion-candidate.ts';

export type LintBody = CandidateBody;

export const LINT_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: CANDIDATE_PROPERTIES,
} as const;
