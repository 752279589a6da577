// A promotion's executable form. `CompiledRuleJson` is what activation stores beside the authored
// record (compiled_rules); `LiveRule` adds the closures built from it once per process.
import type { Benefit } from './benefit.ts';
import { compileCondition, type CompiledCondition, type RuleCondition } from '../conditions/compile-condition.ts';

export interface CompiledRuleJson {
  id: string;
  version: number;
  name: string;
  priority: number;
  exclusive: boolean;
  startDate: string;
  endDate: string;
  /** The checked condition tree (null: no condition beyond the benefit's product group). */
  condition: RuleCondition | null;
  benefit: Benefit;
  storeGroup: string;
  /** Product group codes the rule reads (its benefit's and those its conditions name). */
  productGroups: string[];
  /** What the groups resolved to at activation (membership stays dynamic afterwards). */
  resolved: { stores: number; products: number };
}

export interface LiveRule {
  json: CompiledRuleJson;
  condition: CompiledCondition | null;
}

export function liveRule(json: CompiledRuleJson): LiveRule {
  return { json, condition: json.condition ? compileCondition(json.condition) : null };
}

/** The product group codes a condition reads through the `groups` fact. */
export function groupsInCondition(c: RuleCondition | null | undefined, out = new Set<string>()): Set<string> {
  if (!c) return out;
  if ('all' in c) c.all.forEach((x) => groupsInCondition(x, out));
  else if ('any' in c) c.any.forEach((x) => groupsInCondition(x, out));
  else if ('not' in c) groupsInCondition(c.not, out);
  else if (c.fact === 'groups' && c.path) out.add(c.path.replace(/^\$\./, '').split('.')[0]!);
  return out;
}

/** Every SKU a condition compares the cart's SKUs with, with the JSON path of each. */
export function skusInCondition(c: unknown, at: string, out: { sku: string; path: string }[] = []): { sku: string; path: string }[] {
  if (!c || typeof c !== 'object') return out;
  const o = c as Record<string, unknown>;
  for (const g of ['all', 'any'] as const) if (Array.isArray(o[g])) (o[g] as unknown[]).forEach((x, i) => skusInCondition(x, `${at}.${g}[${i}]`, out));
  if (o.not) skusInCondition(o.not, `${at}.not`, out);
  if (o.fact === 'cart' && o.path === '$.skus') {
    if (typeof o.value === 'string') out.push({ sku: o.value, path: `${at}.value` });
    if (Array.isArray(o.value)) o.value.forEach((v, i) => typeof v === 'string' && out.push({ sku: v, path: `${at}.value[${i}]` }));
  }
  return out;
}
