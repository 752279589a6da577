// Values inside effects are "{{path}}" expressions over the effect context: plain paths only,
// naming fields that exist, so nothing in a definition is ever evaluated as code.
import { isValidPath } from '../support/object-path.ts';
import type { EffectCheckContext } from './effect-module.ts';

/** What an effect value may read; message templates may also read `app`. */
export const CONTEXT_ROOTS = ['record', 'actor', 'input', 'remarks', 'now'];

/** Every "{{path}}" inside a value: a plain path under a context root, naming a real field. */
export function checkExpression(value: unknown, at: string, ctx: EffectCheckContext) {
  if (typeof value !== 'string') return;
  const roots = ctx.verifies ? [...CONTEXT_ROOTS, 'verification'] : CONTEXT_ROOTS;
  for (const m of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) checkVariable(m[1] ?? '', at, ctx, roots, ctx.add);
}

/** One variable (a template's or an expression's), reported through `add`. */
export function checkVariable(ref: string, at: string, { entity, workflow: wf }: EffectCheckContext, roots: string[], add: (path: string, message: string) => void) {
  const [root, field] = ref.split('.');
  if (!isValidPath(ref) || !roots.includes(root ?? '')) return add(at, `"{{${ref}}}" must be a path under ${roots.join(', ')}`);
  if (root === 'record' && field && entity && !(field in entity.fields) && !['id', 'version', 'createdAt', 'updatedAt', wf.field ?? 'status'].includes(field)) {
    add(at, `"{{${ref}}}": entity "${entity.name}" has no field "${field}"`);
  }
  if (root === 'input' && field && !(field in (wf.input ?? {}))) add(at, `"{{${ref}}}": the workflow input has no field "${field}"`);
  else if (root === 'input' && field && wf.input?.[field]?.store === false) add(at, `"{{${ref}}}": input "${field}" is never stored (store: false); only a verification's subject may read it`);
}
