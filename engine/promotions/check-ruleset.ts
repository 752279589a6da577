// Cross-checks of a rules definition: every entity, field and state it names exists in its app.
import type { DefinitionProblem, EntityDef, RulesDef, WorkflowDef } from '../registry/definition-types.ts';

export function checkRuleset(file: string, rs: RulesDef, entities: ReadonlyMap<string, EntityDef>, workflows: ReadonlyMap<string, WorkflowDef>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const entity = (name: string, path: string) => {
    const e = entities.get(name);
    if (!e) add(path, `Entity "${name}" is not defined in this app`);
    return e;
  };
  const field = (e: EntityDef | undefined, name: string, path: string) => {
    if (e && !(name in e.fields)) add(path, `Entity "${e.name}" has no field "${name}"`);
  };

  const rules = entity(rs.entity, '$.entity');
  for (const [part, name] of Object.entries(rs.fields)) field(rules, name, `$.fields.${part}`);
  if (rules) {
    const wf = rules.workflow ? workflows.get(rules.workflow) : undefined;
    if (!wf) add('$.entity', `Entity "${rules.name}" needs a workflow: its states say which rules are evaluated`);
    else {
      const check = (list: string[], key: string) => list.forEach((s, i) => s in wf.states || add(`$.${key}[${i}]`, `State "${s}" is not a state of workflow "${wf.name}"`));
      check(rs.evaluatedIn, 'evaluatedIn');
      check(rs.compiledOn, 'compiledOn');
    }
  }
  const stores = entity(rs.stores.entity, '$.stores.entity');
  field(stores, rs.stores.key, '$.stores.key');
  const products = entity(rs.products.entity, '$.products.entity');
  field(products, rs.products.key, '$.products.key');
  if (rs.products.price) field(products, rs.products.price, '$.products.price');
  for (const [key, members] of [['storeGroups', stores], ['productGroups', products]] as const) {
    const g = rs[key];
    const groupEntity = entity(g.entity, `$.${key}.entity`);
    field(groupEntity, g.code, `$.${key}.code`);
    field(groupEntity, g.filter, `$.${key}.filter`);
    if (groupEntity?.fields[g.code] && groupEntity.fields[g.code]!.format !== 'code') add(`$.${key}.code`, `Field "${g.code}" must have format "code" (conditions use it as a path segment)`);
    if (groupEntity && !(groupEntity.uniqueKeys ?? []).some((k) => k.fields.length === 1 && k.fields[0] === g.code)) add(`$.${key}.code`, `Entity "${g.entity}" needs a unique key on "${g.code}"`);
    g.attributes.forEach((a, i) => field(members, a, `$.${key}.attributes[${i}]`));
  }
  if (rs.pricing) {
    const priced = entity(rs.pricing.entity, '$.pricing.entity');
    for (const part of ['promotionField', 'storeField', 'itemsField'] as const) field(priced, rs.pricing[part], `$.pricing.${part}`);
    for (const [part, name] of Object.entries(rs.pricing.amounts)) {
      field(priced, name, `$.pricing.amounts.${part}`);
      // Final at creation: an amount that could be changed later would not be the computed one.
      if (priced?.fields[name] && priced.fields[name]!.immutable !== true) add(`$.pricing.amounts.${part}`, `Field "${name}" of "${priced.name}" must be immutable: the amounts are final at creation`);
    }
  }
  for (const [name, attrs] of Object.entries(rs.console?.selections ?? {})) {
    for (const a of Object.keys(attrs)) field(products, a, `$.console.selections.${name}.${a}`);
  }
  return problems;
}
