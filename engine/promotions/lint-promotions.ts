// The conflict lint, free of I/O: warnings about a set of promotions (the live ones and perhaps a
// candidate), each naming the promotions involved. It warns only on what it can decide from the
// rules, the current store groups and today's date; "no warning" is not a proof of no conflict.
//
// Ranking is evaluation's (evaluate-promotions.ts): offers by savings, then priority; an
// applicable exclusive promotion hides every non-exclusive one of lower priority. Two exclusive
// promotions do not hide each other: both are offered and the one saving more ranks first.
import { conditionContradiction } from '../conditions/condition-contradiction.ts';
import { conditionImplies } from '../conditions/condition-implies.ts';
import type { Benefit } from './benefit.ts';
import type { CompiledRuleJson } from './compiled-rule.ts';
import type { MaterializedGroups } from './materialized-groups.ts';

export const LINT_CODES = ['EMPTY_STORE_GROUP', 'UNSATISFIABLE_CONDITION', 'ENDED', 'ENDS_TODAY', 'EXCLUSIVE_OVERLAP', 'UNREACHABLE'] as const;
export type LintCode = (typeof LINT_CODES)[number];

export interface LintWarning {
  code: LintCode;
  message: string;
  /** null id: a candidate that is not stored. */
  promotions: { id: string | null; name: string }[];
}

export interface LintRule {
  json: CompiledRuleJson;
  /** In a state that is evaluated (offered today when its dates and conditions allow). */
  live: boolean;
}

/** A scheduled job step that ends promotions: it fires `event`, which moves them to a final state. */
export interface EndingStep {
  job: string;
  schedule: string;
  event: string;
  state: string;
}

export interface LintInput {
  rules: readonly LintRule[];
  stores: MaterializedGroups;
  /** UTC date. */
  today: string;
  ending: readonly EndingStep[];
  /** Where a rule's conditions sit in its record ($.conditions), for the paths in messages. */
  conditionsAt: string;
}

const who = (j: CompiledRuleJson) => ({ id: j.id || null, name: j.name });
const quoted = (j: CompiledRuleJson) => `"${j.name}"`;

/**
 * Whether `q`'s benefit saves something on every cart `p`'s saves something on: it covers at
 * least p's lines (the whole cart, or the same product group), and a flat amount off saves on any
 * line, a percentage at least p's percentage saves at least what p's does (a cap is at least a paisa).
 */
function alwaysSavesWhere(q: Benefit, p: Benefit): boolean {
  if (q.productGroup !== undefined && q.productGroup !== p.productGroup) return false;
  return q.type === 'flatOff' || (q.type === 'percentOff' && p.type === 'percentOff' && q.value >= p.value);
}

export function lintPromotions(input: LintInput): LintWarning[] {
  const rules = [...input.rules].sort((a, b) => a.json.name.localeCompare(b.json.name) || a.json.id.localeCompare(b.json.id));
  const warnings: LintWarning[] = [];
  const warn = (code: LintCode, message: string, ...involved: CompiledRuleJson[]) => warnings.push({ code, message, promotions: involved.map(who) });

  const none: ReadonlySet<string> = new Set();
  const storesOf = (code: string) => input.stores.members.get(code) ?? none;
  const relation = new Map<string, { shared: number; covers: boolean }>();
  /** How many stores two groups share, and whether the first holds every store of the second. */
  const stores = (a: string, b: string) => {
    const key = `${a}\u0000${b}`;
    let r = relation.get(key);
    if (!r) {
      const [sa, sb] = [storesOf(a), storesOf(b)];
      let shared = 0;
      for (const s of sb) if (sa.has(s)) shared++;
      relation.set(key, (r = { shared, covers: shared === sb.size }));
    }
    return r;
  };
  const ends = input.ending.map((e) => `job "${e.job}" (${e.schedule} UTC) fires "${e.event}" to move it to ${e.state}`).join('; ');
  const endsNote = ends ? ` (${ends})` : '';

  for (const { json: j, live } of rules) {
    const size = storesOf(j.storeGroup).size;
    if (size === 0) warn('EMPTY_STORE_GROUP', `${quoted(j)}: store group "${j.storeGroup}" has no stores, so it applies nowhere`, j);
    const never = j.condition ? conditionContradiction(j.condition, input.conditionsAt) : undefined;
    if (never) warn('UNSATISFIABLE_CONDITION', `${quoted(j)} can never apply: ${never}`, j);
    if (j.endDate < input.today) {
      warn('ENDED', live ? `${quoted(j)} ended on ${j.endDate}: evaluation no longer offers it, though it is still in an evaluated state${endsNote}` : `${quoted(j)} ended on ${j.endDate}, before today (${input.today}, UTC): it can no longer be activated`, j);
    } else if (j.endDate === input.today && !live) {
      warn('ENDS_TODAY', `${quoted(j)} ends today (${input.today}, UTC): activated now, it would run for the rest of today only${endsNote}`, j);
    }
  }

  for (let i = 0; i < rules.length; i++) {
    for (let k = 0; k < rules.length; k++) {
      if (i === k) continue;
      const p = rules[i]!.json;
      const q = rules[k]!.json;
      // Each unordered pair of exclusive promotions once.
      if (i < k && p.exclusive && q.exclusive) exclusiveOverlap(p, q);
      // q hides p wherever p would apply.
      if (q.exclusive && !p.exclusive && q.priority > p.priority && hidesEverywhere(q, p)) {
        warn('UNREACHABLE', `${quoted(p)} is never offered: ${quoted(q)} (exclusive, priority ${q.priority} > ${p.priority}) applies wherever ${quoted(p)} does — its stores, dates, condition and benefit cover ${quoted(p)}'s — and hides it`, p, q);
      }
    }
  }

  function exclusiveOverlap(a: CompiledRuleJson, b: CompiledRuleJson): void {
    const from = a.startDate > b.startDate ? a.startDate : b.startDate;
    const to = a.endDate < b.endDate ? a.endDate : b.endDate;
    const { shared } = stores(a.storeGroup, b.storeGroup);
    if (from > to || shared === 0) return;
    // Conditions that exclude each other (or one that never holds) never let both apply to one cart.
    const both = [a.condition, b.condition].filter((c) => c !== null);
    if (both.length && conditionContradiction({ all: both })) return;
    const where = `at ${shared} shared store${shared === 1 ? '' : 's'} from ${from} to ${to}`;
    if (a.priority === b.priority) {
      warn('EXCLUSIVE_OVERLAP', `${quoted(a)} and ${quoted(b)} are both exclusive ${where} with equal priority ${a.priority}: undecided: by savings per cart (where both apply both are offered, the one saving more first)`, a, b);
      return;
    }
    const [high, low] = a.priority > b.priority ? [a, b] : [b, a];
    warn('EXCLUSIVE_OVERLAP', `${quoted(high)} and ${quoted(low)} are both exclusive ${where}: where both apply both are offered, the one saving more per cart first (exclusivity hides only non-exclusive promotions); ${quoted(high)} wins on equal savings (priority ${high.priority} > ${low.priority})`, high, low);
  }

  /** q applies on every cart, store and day p applies on (decided soundly; false when unsure). */
  function hidesEverywhere(q: CompiledRuleJson, p: CompiledRuleJson): boolean {
    return (
      storesOf(p.storeGroup).size > 0 &&
      stores(q.storeGroup, p.storeGroup).covers &&
      q.startDate <= p.startDate &&
      q.endDate >= p.endDate &&
      conditionImplies(p.condition, q.condition) &&
      alwaysSavesWhere(q.benefit, p.benefit)
    );
  }

  const order = (w: LintWarning) => LINT_CODES.indexOf(w.code);
  return warnings.sort((a, b) => order(a) - order(b));
}
