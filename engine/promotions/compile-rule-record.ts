// A promotion's authored fields as its executable form (what activation stores in compiled_rules):
// one construction for activation and for the candidates a backtest or a lint looks at, so a
// candidate is judged exactly as it would run once activated.
import type { RulesDef } from '../registry/definition-types.ts';
import type { RuleCondition } from '../conditions/compile-condition.ts';
import { groupsInCondition, type CompiledRuleJson } from './compiled-rule.ts';
import type { MaterializedGroups } from './materialized-groups.ts';

/** The record's fields must be complete and checked (checkRuleComplete) before this is called. */
export function compileRuleRecord(rs: RulesDef, record: { id: string; version: number; data: Readonly<Record<string, unknown>> }, g: { stores: MaterializedGroups; products: MaterializedGroups }): CompiledRuleJson {
  const d = record.data;
  const f = rs.fields;
  const condition = (d[f.conditions] ?? null) as RuleCondition | null;
  const benefit = d[f.benefit] as CompiledRuleJson['benefit'];
  const productGroups = groupsInCondition(condition);
  if (benefit.productGroup) productGroups.add(benefit.productGroup);
  const storeGroup = d[f.storeGroup] as string;
  return {
    id: record.id,
    version: record.version,
    name: String(d[f.name ?? ''] ?? record.id),
    priority: typeof d[f.priority ?? ''] === 'number' ? (d[f.priority!] as number) : 0,
    exclusive: d[f.exclusive ?? ''] === true,
    startDate: d[f.startDate] as string,
    endDate: d[f.endDate] as string,
    condition,
    benefit,
    storeGroup,
    productGroups: [...productGroups].sort(),
    resolved: { stores: g.stores.members.get(storeGroup)?.size ?? 0, products: benefit.productGroup ? (g.products.members.get(benefit.productGroup)?.size ?? 0) : g.products.records.size },
  };
}
