// The one checker of the condition language, for every place a definition or an admin writes a
// condition: a workflow guard, a job step, a proof's or an OTP policy's `when`, a promotion's
// conditions, a store or product group's filter. What differs between them is only which facts a
// condition may read — a catalog — never the language itself.
import type { ErrorDetail } from '../errors/app-error.ts';
import { isValidPath, parsePath } from '../support/object-path.ts';
import { OPERATORS } from './operators.ts';

/** What a path of a fact holds; `any` when the catalog knows the path but not its type. */
export type FactType = 'number' | 'string' | 'boolean' | 'string[]' | 'any';

/** The facts a condition may read: fact -> path -> type (e.g. cart -> total -> number). */
export type FactSet = Readonly<Record<string, Readonly<Record<string, FactType>>>>;

export interface FactCatalog {
  /** The facts, for a condition naming another. */
  readonly facts: readonly string[];
  /** The type a path of a fact reads (the segments after $), or the sentence saying why it cannot. */
  typeOf(fact: string, path: readonly string[]): FactType | { problem: string };
  /** Comparisons may take their value from another fact: { fact: now, path: $.date } (guards). */
  readonly factValues?: boolean;
  /** A comparison may read a whole fact (no path). */
  readonly wholeFacts?: boolean;
}

/** A catalog of exactly the paths a fact set lists (promotions, group filters). */
export function factSetCatalog(set: FactSet): FactCatalog {
  return {
    facts: Object.keys(set),
    typeOf(fact, path) {
      const paths = set[fact]!;
      const key = path.join('.');
      return Object.hasOwn(paths, key) ? paths[key]! : { problem: `Fact "${fact}" has no "${key}"; known: ${Object.keys(paths).join(', ')}` };
    },
  };
}

const SCALAR = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const LIST_OPERATORS = new Set(['contains', 'doesNotContain', 'containsAny', 'containsAll']);
const isFactValue = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && 'fact' in v;

/** Checks an authored condition against the facts it may read; every problem, each with its path. */
export function checkCondition(condition: unknown, catalog: FactCatalog, at = '$'): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const add = (path: string, message: string) => void problems.push({ path, message });

  /** The type a fact and path read, after checking both; undefined when either is wrong. */
  const readType = (fact: unknown, p: unknown, where: string): FactType | undefined => {
    if (typeof fact !== 'string' || !catalog.facts.includes(fact)) return add(`${where}.fact`, `Unknown fact "${String(fact)}"; known: ${catalog.facts.join(', ')}`), undefined;
    if (p === undefined && catalog.wholeFacts) return 'any';
    if (typeof p !== 'string' || !isValidPath(p)) return add(`${where}.path`, 'Give a plain dotted path such as $.total'), undefined;
    const type = catalog.typeOf(fact, parsePath(p));
    if (typeof type === 'object') return add(`${where}.path`, type.problem), undefined;
    return type;
  };

  const visit = (c: unknown, path: string, depth: number): void => {
    if (depth > 8) return add(path, 'Conditions may nest at most 8 levels');
    if (!c || typeof c !== 'object' || Array.isArray(c)) return add(path, 'A condition is an object with all, any, not, or fact/operator/value');
    const o = c as Record<string, unknown>;
    const keys = Object.keys(o);
    for (const group of ['all', 'any'] as const) {
      if (group in o) {
        if (keys.length !== 1) add(path, `"${group}" stands alone in its object`);
        const list = o[group];
        if (!Array.isArray(list) || list.length === 0) return add(`${path}.${group}`, `"${group}" needs a non-empty list of conditions`);
        return list.forEach((x, i) => visit(x, `${path}.${group}[${i}]`, depth + 1));
      }
    }
    if ('not' in o) {
      if (keys.length !== 1) add(path, '"not" stands alone in its object');
      return visit(o.not, `${path}.not`, depth + 1);
    }
    const extra = keys.filter((k) => !['fact', 'path', 'operator', 'value'].includes(k));
    if (extra.length) add(path, `Unknown ${extra.map((k) => `"${k}"`).join(', ')} in a comparison`);
    const type = readType(o.fact, o.path, path);
    if (!type) return;
    const op = typeof o.operator === 'string' && Object.hasOwn(OPERATORS, o.operator) ? OPERATORS[o.operator] : undefined;
    if (!op) return add(`${path}.operator`, `Unknown operator "${String(o.operator)}"`);
    const operator = o.operator as string;
    const key = typeof o.path === 'string' ? parsePath(o.path).join('.') : String(o.fact);
    if (LIST_OPERATORS.has(operator) && type !== 'string[]' && type !== 'any') return add(`${path}.operator`, `"${operator}" needs a list fact; "${key}" is a ${type}`);
    const v = o.value;
    if (isFactValue(v)) {
      // Compared with another fact at run time (a date with today's): that fact must exist.
      if (!catalog.factValues || Object.keys(v).some((k) => k !== 'fact' && k !== 'path')) return add(`${path}.value`, `A fact reference is { fact: ${catalog.facts.join(' | ')}, path }`);
      readType(v.fact, v.path, `${path}.value`);
      return;
    }
    const numbers = type === 'number' || type === 'any';
    if (op.valueKind === 'number' && (typeof v !== 'number' || !numbers)) add(`${path}.value`, `"${operator}" compares numbers`);
    if (op.valueKind === 'list' && (!Array.isArray(v) || !v.every(SCALAR) || v.length > 10_000)) add(`${path}.value`, 'Give a list of plain values');
    if (op.valueKind === 'date' && (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v) || !(type === 'string' || type === 'any'))) add(`${path}.value`, `"${operator}" compares ISO dates such as "2026-12-01"`);
    if (op.valueKind === 'scalar' && !SCALAR(v)) add(`${path}.value`, 'Give a plain value (text, number, true/false or null)');
  };
  visit(condition, at, 0);
  return problems;
}
