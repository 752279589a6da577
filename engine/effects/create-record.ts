// `create`: a record of another entity, created in the same transaction as the move that declares
// it — a commission when a lead is executed, with fields from the lead and from the records it
// references (its won quotation). The new record starts where its workflow starts, its own onCreate
// effects apply, and anything that refuses it (a referenced record missing, a field its schema
// refuses, a taken unique key) refuses the move: nothing is half done.
import { AppError } from '../errors/app-error.ts';
import { CONTEXT_ROOTS, checkVariable } from './check-expression.ts';
import type { EffectContext, EffectModule } from './effect-module.ts';
import { resolveValue } from './resolve-value.ts';

export interface CreateEffect {
  entity: string;
  /** `optional`: when the id is empty (the lead has no quotation yet), nothing is created — but an id naming no record still refuses the move. */
  with?: Record<string, { entity: string; id: string; optional?: boolean }>;
  fields: Record<string, unknown>;
}

/** The create, as planned: the references' ids resolved now, the fields once the references are read. */
export interface PlannedCreate {
  entity: string;
  with: { name: string; entity: string; id: unknown }[];
  fields: Record<string, unknown>;
  ctx: EffectContext;
}

export const createRecord: EffectModule<CreateEffect, PlannedCreate> = {
  schema: 'common.schema.json#/definitions/effect/properties/create',
  places: ['transition', 'workflow'],
  phase: 'after',
  check(body, at) {
    const target = at.entities.get(body.entity);
    if (!target) return at.add(`${at.path}.create.entity`, `Entity "${body.entity}" is not defined in this app`);
    const roots = [...CONTEXT_ROOTS, ...Object.keys(body.with ?? {})];
    for (const [name, ref] of Object.entries(body.with ?? {})) {
      if (!at.entities.has(ref.entity)) at.add(`${at.path}.create.with.${name}.entity`, `Entity "${ref.entity}" is not defined in this app`);
      for (const m of ref.id.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) checkVariable(m[1] ?? '', `${at.path}.create.with.${name}.id`, at, CONTEXT_ROOTS, at.add);
    }
    for (const [field, value] of Object.entries(body.fields)) {
      if (!(field in target.fields)) at.add(`${at.path}.create.fields.${field}`, `Entity "${body.entity}" has no field "${field}"`);
      if (typeof value !== 'string') continue;
      for (const m of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
        const ref = m[1] ?? '';
        const root = ref.split('.')[0] ?? '';
        if (body.with && Object.hasOwn(body.with, root)) {
          const refEntity = at.entities.get(body.with[root]!.entity);
          const f = ref.split('.')[1];
          if (refEntity && f && !(f in refEntity.fields) && !['id', 'version', 'createdAt', 'updatedAt', 'status', 'state'].includes(f)) at.add(`${at.path}.create.fields.${field}`, `"{{${ref}}}": entity "${refEntity.name}" has no field "${f}"`);
        } else checkVariable(ref, `${at.path}.create.fields.${field}`, at, roots, at.add);
      }
    }
  },
  plan(body, ctx) {
    const refs = Object.entries(body.with ?? {}).map(([name, ref]) => ({ name, entity: ref.entity, id: resolveValue(ref.id, ctx), optional: ref.optional === true }));
    const absent = refs.find((r) => r.optional && (r.id === undefined || r.id === null || r.id === ''));
    if (absent) return { skipped: { message: `no ${body.entity} created: the record names no ${absent.entity}`, detail: { entity: body.entity, with: absent.name } } };
    return { deliver: { entity: body.entity, with: refs, fields: body.fields, ctx } };
  },
  async deliver(step, { tx, app, records }) {
    const read: Record<string, Record<string, unknown>> = {};
    for (const ref of step.with) {
      const found = typeof ref.id === 'string' ? await records.read(tx, app, ref.entity, ref.id) : undefined;
      if (!found) throw new AppError('CONFLICT', `This move creates a ${step.entity} from the ${ref.entity} it names, and there is none (${String(ref.id ?? 'no id')})`, { details: [{ path: `$.with.${ref.name}`, message: `No ${ref.entity} "${String(ref.id ?? '')}"` }] });
      read[ref.name] = found;
    }
    const scope = { ...step.ctx, ...read } as EffectContext;
    const data = Object.fromEntries(Object.entries(step.fields).map(([k, v]) => [k, resolveValue(v, scope)]).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    await records.createIn(tx, app, step.entity, data, step.ctx.actor);
  },
};
