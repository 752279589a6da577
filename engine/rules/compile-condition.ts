// A json-rules-engine condition compiled once into closures over whitelisted operators: no eval,
// no Function constructor over admin input, no per-evaluation parsing. Authored conditions are
// validated against a fact set (which facts and paths exist, and their types) first.
import type { ErrorDetail } from '../errors/app-error.ts';
import { getPath, isValidPath, parsePath } from '../support/object-path.ts';
import { OPERATORS } from './operators.ts';

export type FactType = 'number' | 'string' | 'boolean' | 'string[]';

/** The facts a condition may read: fact -> path -> type (e.g. cart -> total -> number). */
export type FactSet = Readonly<Record<string, Readonly<Record<string, FactType>>>>;

export type RuleCondition =
  | { all: RuleCondition[] }
  | { any: RuleCondition[] }
  | { not: RuleCondition }
  | { fact: string; path?: string; operator: string; value: unknown };

export type Facts = Readonly<Record<string, unknown>>;

export interface ConditionTrace {
  condition: string;
  factValue: unknown;
  result: boolean;
}

export interface CompiledCondition {
  test(facts: Facts): boolean;
  /** Every leaf's fact value and result, for the test console. */
  explain(facts: Facts): { result: boolean; leaves: ConditionTrace[] };
}

type Node = (facts: Facts, trace?: ConditionTrace[]) => boolean;

const SCALAR = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Validates an authored condition against a fact set; every problem, each with its path. */
export function checkCondition(condition: unknown, factSet: FactSet, at = '$'): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const visit = (c: unknown, path: string, depth: number) => {
    if (depth > 8) return problems.push({ path, message: 'Conditions may nest at most 8 levels' });
    if (!c || typeof c !== 'object' || Array.isArray(c)) return problems.push({ path, message: 'A condition is an object with all, any, not, or fact/operator/value' });
    const o = c as Record<string, unknown>;
    const keys = Object.keys(o);
    for (const group of ['all', 'any'] as const) {
      if (group in o) {
        if (keys.length !== 1) problems.push({ path, message: `"${group}" stands alone in its object` });
        const list = o[group];
        if (!Array.isArray(list) || list.length === 0) return problems.push({ path: `${path}.${group}`, message: `"${group}" needs a non-empty list of conditions` });
        return list.forEach((x, i) => visit(x, `${path}.${group}[${i}]`, depth + 1));
      }
    }
    if ('not' in o) {
      if (keys.length !== 1) problems.push({ path, message: '"not" stands alone in its object' });
      return visit(o.not, `${path}.not`, depth + 1);
    }
    const extra = keys.filter((k) => !['fact', 'path', 'operator', 'value'].includes(k));
    if (extra.length) problems.push({ path, message: `Unknown ${extra.map((k) => `"${k}"`).join(', ')} in a comparison` });
    const fact = o.fact;
    const facts = typeof fact === 'string' && Object.prototype.hasOwnProperty.call(factSet, fact) ? factSet[fact] : undefined;
    if (!facts) return problems.push({ path: `${path}.fact`, message: `Unknown fact "${String(fact)}"; known: ${Object.keys(factSet).join(', ')}` });
    const p = o.path;
    if (typeof p !== 'string' || !isValidPath(p)) return problems.push({ path: `${path}.path`, message: 'Give a plain dotted path such as $.total' });
    const key = parsePath(p).join('.');
    const type = Object.prototype.hasOwnProperty.call(facts, key) ? facts[key] : undefined;
    if (!type) return problems.push({ path: `${path}.path`, message: `Fact "${fact as string}" has no "${key}"; known: ${Object.keys(facts).join(', ')}` });
    const op = typeof o.operator === 'string' && Object.prototype.hasOwnProperty.call(OPERATORS, o.operator) ? OPERATORS[o.operator] : undefined;
    if (!op) return problems.push({ path: `${path}.operator`, message: `Unknown operator "${String(o.operator)}"` });
    const v = o.value;
    const listFact = type === 'string[]';
    if ((o.operator === 'contains' || o.operator === 'doesNotContain' || o.operator === 'containsAny' || o.operator === 'containsAll') && !listFact) {
      return problems.push({ path: `${path}.operator`, message: `"${o.operator as string}" needs a list fact; "${key}" is a ${type}` });
    }
    if (op.valueKind === 'number' && (typeof v !== 'number' || type !== 'number')) problems.push({ path: `${path}.value`, message: `"${o.operator as string}" compares numbers` });
    if (op.valueKind === 'list' && (!Array.isArray(v) || !v.every(SCALAR) || v.length > 10_000)) problems.push({ path: `${path}.value`, message: 'Give a list of plain values' });
    if (op.valueKind === 'scalar' && !SCALAR(v)) problems.push({ path: `${path}.value`, message: 'Give a plain value (text, number, true/false or null)' });
  };
  visit(condition, at, 0);
  return problems;
}

function describe(c: { fact: string; path?: string; operator: string; value: unknown }): string {
  return `${c.fact}${c.path ? c.path.slice(1) : ''} ${c.operator} ${JSON.stringify(c.value)}`;
}

/** Compiles a checked condition. Big `in` lists become Sets; paths are split once. */
export function compileCondition(condition: RuleCondition): CompiledCondition {
  const build = (c: RuleCondition): Node => {
    if ('all' in c) {
      const parts = c.all.map(build);
      return (f, t) => {
        if (t) return parts.map((p) => p(f, t)).every(Boolean); // the console wants every leaf
        for (const p of parts) if (!p(f)) return false;
        return true;
      };
    }
    if ('any' in c) {
      const parts = c.any.map(build);
      return (f, t) => {
        if (t) return parts.map((p) => p(f, t)).some(Boolean);
        for (const p of parts) if (p(f)) return true;
        return false;
      };
    }
    if ('not' in c) {
      const inner = build(c.not);
      return (f, t) => !inner(f, t);
    }
    const op = OPERATORS[c.operator]!;
    const segments = c.path ? parsePath(c.path) : [];
    const fact = c.fact;
    const label = describe(c);
    let compare = op.fn;
    if ((c.operator === 'in' || c.operator === 'notIn') && Array.isArray(c.value) && c.value.length > 8) {
      const set = new Set(c.value);
      compare = c.operator === 'in' ? (a) => set.has(a) : (a) => !set.has(a);
    }
    const value = c.value;
    const check = op.factCheck;
    return (f, t) => {
      const factValue = segments.length ? getPath(f[fact], segments) : f[fact];
      const result = (check ? check(factValue) : true) && compare(factValue, value);
      t?.push({ condition: label, factValue, result });
      return result;
    };
  };
  const root = build(condition);
  return {
    test: (facts) => root(facts),
    explain: (facts) => {
      const leaves: ConditionTrace[] = [];
      return { result: root(facts, leaves), leaves };
    },
  };
}
