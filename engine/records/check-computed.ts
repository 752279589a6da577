// Load-time checks of an entity's computed fields, each problem at its JSON path: the target is a
// numeric field of the entity, every field an expression reads exists, no two compute each other,
// `item` is used only inside `sum`, `sum` runs over an array field, tiers and lookups are ordered.
import type { DefinitionProblem, EntityDef } from '../registry/definition-types.ts';
import { computeOrder, fieldsRead, operatorOf, type Expression } from './computed-fields.ts';
import { isValidPath } from '../support/object-path.ts';

export function checkComputed(file: string, e: EntityDef, add: (file: string, path: string, message: string) => void): void {
  const computed = Object.keys(e.computed ?? {});
  if (computed.length && !computeOrder(e.computed!) && !computed.some((t) => fieldsRead(e.computed![t]!).includes(t))) {
    add(file, '$.computed', `Computed fields compute each other in a circle (${computed.join(', ')}): one of them must come from the others`);
  }
  computed.forEach((target) => {
    const at = `$.computed.${target}`;
    const schema = e.fields[target];
    if (!schema) add(file, at, `"${target}" is not a field of entity "${e.name}"`);
    else if (schema.type !== 'number' && schema.type !== 'integer') add(file, at, `"${target}" must be a number or integer field to be computed`);
    const walk = (x: Expression, path: string, inSum: boolean) => {
      if (typeof x === 'number') return;
      const op = operatorOf(x);
      const args = (x as Record<string, unknown>)[op];
      if (op === 'field' || op === 'item') {
        const name = args as string;
        if (!isValidPath(name)) return add(file, `${path}.${op}`, `"${name}" is not a plain field path`);
        const top = name.replace(/^\$\./, '').split('.')[0]!;
        if (op === 'item' && !inSum) add(file, `${path}.item`, '"item" is the current item of a "sum": use it inside one');
        if (op === 'field' && !(top in e.fields)) add(file, `${path}.field`, `"${top}" is not a field of entity "${e.name}"`);
        if (op === 'field' && top === target) add(file, `${path}.field`, `"${target}" cannot be computed from itself`);
        return;
      }
      if (op === 'sum') {
        const { over, of } = args as { over: string; of: Expression };
        if (e.fields[over]?.type !== 'array') add(file, `${path}.sum.over`, `"${over}" is not an array field of entity "${e.name}"`);
        return walk(of, `${path}.sum.of`, true);
      }
      if (op === 'tiers' || op === 'lookup') {
        const { of, rows } = args as { of: Expression; rows: { upTo?: number }[] };
        rows.forEach((r, i) => {
          if (r.upTo === undefined && i < rows.length - 1) add(file, `${path}.${op}.rows[${i}]`, 'Only the last row may leave out "upTo"');
          if (i > 0 && r.upTo !== undefined && rows[i - 1]!.upTo !== undefined && r.upTo <= rows[i - 1]!.upTo!) add(file, `${path}.${op}.rows[${i}].upTo`, 'Rows go up: each "upTo" is above the one before');
        });
        return walk(of, `${path}.${op}.of`, inSum);
      }
      if (op === 'round') return walk((args as [Expression, number])[0], `${path}.round[0]`, inSum);
      (args as Expression[]).forEach((a, i) => walk(a, `${path}.${op}[${i}]`, inSum));
    };
    walk(e.computed![target]!, at, false);
  });
}
