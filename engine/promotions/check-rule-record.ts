// Checks a rules record (a promotion) against what exists: its conditions against the documented
// fact set, its benefit, the group codes and SKUs it names. Every problem comes with its path.
import type { ErrorDetail } from '../errors/app-error.ts';
import type { FieldSchema, RulesDef } from '../registry/definition-types.ts';
import { checkBenefit } from './benefit.ts';
import { checkCondition, factSetCatalog } from '../conditions/check-condition.ts';
import { skusInCondition } from './compiled-rule.ts';
import type { MaterializedGroups } from './materialized-groups.ts';
import { promotionFactSet } from './ruleset-facts.ts';

export interface RuleContext {
  ruleset: RulesDef;
  storeFields: Readonly<Record<string, FieldSchema>>;
  stores: MaterializedGroups;
  products: MaterializedGroups;
}

/** For writes: checks what is present (a draft may be incomplete). */
export function checkRuleRecord(rc: RuleContext, data: Readonly<Record<string, unknown>>): ErrorDetail[] {
  const f = rc.ruleset.fields;
  const problems: ErrorDetail[] = [];
  const conditions = data[f.conditions];
  if (conditions !== undefined && conditions !== null) {
    const factSet = promotionFactSet({ storeKey: rc.ruleset.stores.key, storeFields: rc.storeFields, storeAttributes: rc.ruleset.storeGroups.attributes, productGroupCodes: rc.products.members.keys() });
    const found = checkCondition(conditions, factSetCatalog(factSet), `$.${f.conditions}`);
    problems.push(...found);
    if (!found.length) {
      for (const { sku, path } of skusInCondition(conditions, `$.${f.conditions}`)) {
        if (!rc.products.canonical.has(sku.toLowerCase())) problems.push({ path, message: `Unknown SKU "${sku}"` });
      }
    }
  }
  const benefit = data[f.benefit];
  if (benefit !== undefined && benefit !== null) {
    const found = checkBenefit(benefit, `$.${f.benefit}`);
    problems.push(...found);
    const group = (benefit as { productGroup?: unknown }).productGroup;
    if (!found.length && typeof group === 'string' && !rc.products.members.has(group)) problems.push({ path: `$.${f.benefit}.productGroup`, message: `Unknown product group "${group}"` });
  }
  const storeGroup = data[f.storeGroup];
  if (typeof storeGroup === 'string' && !rc.stores.members.has(storeGroup)) problems.push({ path: `$.${f.storeGroup}`, message: `Unknown store group "${storeGroup}"` });
  const start = data[f.startDate];
  const end = data[f.endDate];
  if (typeof start === 'string' && typeof end === 'string' && end <= start) problems.push({ path: `$.${f.endDate}`, message: 'The end date must be after the start date' });
  return problems;
}

/**
 * For activation: everything a live promotion needs, then the checks above; with `today`, an end
 * date already past too (a backtest or a lint judges promotions of any dates).
 */
export function checkRuleComplete(rc: RuleContext, data: Readonly<Record<string, unknown>>, today?: string): ErrorDetail[] {
  const f = rc.ruleset.fields;
  const missing = [f.benefit, f.storeGroup, f.startDate, f.endDate, ...(f.name ? [f.name] : [])]
    .filter((k) => data[k] === undefined || data[k] === null || data[k] === '')
    .map((k) => ({ path: `$.${k}`, message: `"${k}" is required before activation` }));
  const problems = [...missing, ...checkRuleRecord(rc, data)];
  const end = data[f.endDate];
  if (today !== undefined && typeof end === 'string' && end < today) problems.push({ path: `$.${f.endDate}`, message: `The promotion ended on ${end}` });
  return problems;
}
