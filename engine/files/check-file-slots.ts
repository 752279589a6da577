// The checks of an entity's attachment slots a JSON Schema cannot express: every type can be told
// from the bytes (a type the sniffer cannot recognise could never be accepted), re-upload statuses
// are review statuses, and the roles named exist.
import { SNIFFABLE_TYPES } from './sniffable-types.ts';
import type { AppDef, EntityDef } from '../registry/definition-types.ts';

export function checkFileSlots(file: string, e: EntityDef, app: AppDef | undefined, add: (file: string, path: string, message: string) => void): void {
  for (const [name, slot] of Object.entries(e.files ?? {})) {
    const at = `$.files.${name}`;
    slot.types.forEach((t, i) => {
      if (!SNIFFABLE_TYPES.has(t)) add(file, `${at}.types[${i}]`, `"${t}" cannot be recognised from a file's bytes, so no upload could be accepted as it`);
    });
    const states = new Set(slot.review?.states ?? []);
    (slot.review?.reupload ?? []).forEach((s, i) => states.has(s) || add(file, `${at}.review.reupload[${i}]`, `"${s}" is not one of the slot's review states`));
    if (slot.roles.review && !slot.review) add(file, `${at}.roles.review`, 'The slot has no review states to set');
    if (slot.review && !slot.roles.review?.length) add(file, `${at}.roles.review`, 'A slot with review states needs the roles that review');
    if (app) {
      for (const action of ['upload', 'review', 'remove'] as const) {
        (slot.roles[action] ?? []).forEach((r, i) => Object.hasOwn(app.roles, r) || add(file, `${at}.roles.${action}[${i}]`, `Role "${r}" is not defined in this app`));
      }
    }
  }
}
