// A promotion judged before it runs (a backtest, a lint): a stored one by id, the rule fields of
// one not yet saved, or a stored one with some rule fields edited. The edited fields are checked
// exactly as a write of them is (the entity's field schemas, then the ruleset's checks: facts,
// operators, groups, SKUs, benefit, dates), and the whole must be complete as for activation, so
// what is judged is what would run. Its end date may be past: an old promotion can be replayed.
import { AppError, type ErrorDetail } from '../errors/app-error.ts';
import type { CompiledEntity } from '../records/compile-entity.ts';
import { assertValidFields } from '../records/write-checks.ts';
import type { RulesDef } from '../registry/definition-types.ts';
import { checkRuleComplete, type RuleContext } from './check-rule-record.ts';
import { compileRuleRecord } from './compile-rule-record.ts';
import type { CompiledRuleJson } from './compiled-rule.ts';

/** `promotionId` and / or `promotion` (the rule fields) of a backtest or lint body. */
export interface CandidateBody {
  promotionId?: string;
  promotion?: Record<string, unknown>;
}

export const CANDIDATE_PROPERTIES = {
  promotionId: { type: 'string', format: 'uuid', description: 'A stored promotion (with `promotion`: edited by those fields)' },
  promotion: { type: 'object', description: 'The rule fields of a promotion (name, conditions, benefit, store group, dates, priority, exclusive)' },
} as const;

/** A backtest needs a candidate (the body schema cannot say "one of these two" in ajv's strict mode). */
export function requireCandidate(body: CandidateBody): void {
  if (body.promotionId === undefined && body.promotion === undefined) throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '$', message: 'Give promotionId, promotion, or both (a stored promotion with those fields edited)' }] });
}

/** The id of a candidate that is not stored (in the rankings it competes under this id). */
export const UNSAVED = '';

export interface Candidate {
  rule: CompiledRuleJson;
  /** null: not stored. */
  id: string | null;
  /** The stored record's state (null: not stored). */
  state: string | null;
  /** Whether it is running as it is judged: stored, unedited, in a state that is evaluated. */
  live: boolean;
}

export interface StoredPromotion {
  id: string;
  version: number;
  state: string | null;
  data: Readonly<Record<string, unknown>>;
}

/** The entity fields a ruleset reads as a rule's: the only ones a candidate may carry. */
export const ruleFields = (rs: RulesDef): string[] => Object.values(rs.fields);

export function resolveCandidate(rc: RuleContext, entity: CompiledEntity, stored: StoredPromotion | undefined, edited: Record<string, unknown> | undefined): Candidate {
  const rs = rc.ruleset;
  const at = (path: string) => (edited ? `$.promotion${path.slice(1)}` : path);
  if (edited) {
    const allowed = ruleFields(rs);
    const others = Object.keys(edited).filter((k) => !allowed.includes(k));
    if (others.length) throw new AppError('VALIDATION_FAILED', undefined, { details: others.map((k) => ({ path: `$.promotion.${k}`, message: `Not a rule field; give only ${allowed.join(', ')}` })) });
    assertValidFields(entity.fields, entity.validatePatch, edited, '$.promotion');
  }
  const data = { ...(stored?.data ?? {}), ...(edited ?? {}) };
  const problems: ErrorDetail[] = checkRuleComplete(rc, data).map((p) => ({ ...p, path: at(p.path) }));
  if (problems.length) throw new AppError('RULE_INVALID', undefined, { details: problems });
  const rule = compileRuleRecord(rs, { id: stored?.id ?? UNSAVED, version: stored?.version ?? 0, data }, rc);
  const live = stored !== undefined && !edited && rs.evaluatedIn.includes(stored.state ?? '');
  return { rule, id: stored?.id ?? null, state: stored?.state ?? null, live };
}
