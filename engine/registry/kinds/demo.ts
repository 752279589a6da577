// The `demo` kind: development demo records, created through the services (and their events fired,
// their demo files uploaded), as a named demo user or the first allowed to.
import { normalizeTransitions } from '../../workflow/normalize-transitions.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { DefinitionProblem, DemoDataDef } from '../definition-types.ts';
import { definitionsByName } from '../definitions-by-name.ts';
import { DEMO_REF, DEMO_USER } from '../../records/demo-values.ts';


function* stringsIn(value: unknown, at: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [value, at];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, `${at}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringsIn(v, `${at}.${k}`);
}

export const demoKind: DefinitionKindModule<'demo', DemoDataDef, { /** Development demo data. */ demoData: readonly DemoDataDef[] }> = {
  kind: 'demo',
  schemaFile: 'demo.schema.json',
  check(own, app) {
    const problems: DefinitionProblem[] = [];
    const entities = definitionsByName(app, 'entity');
    const workflows = definitionsByName(app, 'workflow');
    const users = new Set((app.app?.definition.demoUsers ?? []).map((u) => u.email).filter(Boolean));
    for (const { file: f, definition: d } of own) {
      const refs = new Map<string, string>();
      const add = (path: string, message: string) => problems.push({ file: f, path, message });
      // What other definitions own (entities, events, slots, demo users) is a warning: demo data is
      // development-only, and a change set removing a state must not be refused for it; seeding
      // stops at such an entry, saying why (engine/index.ts).
      const warn = (path: string, message: string) => problems.push({ file: f, path, message, severity: 'warning' });
      const user = (email: string | undefined, path: string) => email === undefined || users.has(email) || warn(path, `"${email}" is not a demo user of this app`);
      d.records.forEach((r, i) => {
        const at = `$.records[${i}]`;
        for (const [text, path] of stringsIn(r.data ?? {}, `${at}.data`)) {
          const ref = DEMO_REF.exec(text)?.[1];
          if (ref !== undefined && !refs.has(ref)) add(path, `"${ref}" is not the ref of an earlier demo record`);
          const email = DEMO_USER.exec(text)?.[1];
          if (email !== undefined) user(email, path);
        }
        if (r.find) {
          const found = entities.get(r.find.entity);
          if (!found) {
            // A malformed entity's own problem says enough: its ref stays known, nothing is repeated.
            if (app.malformed.has(`entity:${r.find.entity}`)) return void refs.set(r.ref!, r.find.entity);
            return warn(`${at}.find.entity`, `Entity "${r.find.entity}" is not defined in this app`);
          }
          if (!Object.hasOwn(found.fields, r.find.field)) warn(`${at}.find.field`, `"${r.find.field}" is not a field of entity "${found.name}"`);
          const ref = typeof r.find.value === 'string' ? DEMO_REF.exec(r.find.value)?.[1] : undefined;
          if (ref !== undefined && !refs.has(ref)) add(`${at}.find.value`, `"${ref}" is not the ref of an earlier demo record`);
          if (refs.has(r.ref!)) add(`${at}.ref`, `The ref "${r.ref}" is given twice`);
          refs.set(r.ref!, found.name);
          return;
        }
        const entityName = r.update !== undefined ? refs.get(r.update) : r.entity;
        if (r.update !== undefined && entityName === undefined) return add(`${at}.update`, `"${r.update}" is not the ref of an earlier demo record`);
        const e = entities.get(entityName!);
        if (!e) {
          if (!app.malformed.has(`entity:${entityName}`)) return warn(`${at}.entity`, `Entity "${entityName}" is not defined in this app`);
          if (r.ref !== undefined) refs.set(r.ref, entityName!);
          return;
        }
        if (r.ref !== undefined) {
          if (refs.has(r.ref)) add(`${at}.ref`, `The ref "${r.ref}" is given twice`);
          refs.set(r.ref, e.name);
        }
        user(r.as, `${at}.as`);
        const wf = e.workflow ? workflows.get(e.workflow) : undefined;
        (r.events ?? []).forEach((raw, j) => {
          const ev = typeof raw === 'string' ? raw : raw.event;
          if (!(wf ? normalizeTransitions(wf) : []).some((t) => t.event === ev)) warn(`${at}.events[${j}]`, `Event "${ev}" is not an event of entity "${e.name}"`);
          if (typeof raw !== 'string') user(raw.as, `${at}.events[${j}].as`);
        });
        (r.files ?? []).forEach((file, j) => {
          const slot = Object.hasOwn(e.files ?? {}, file.slot) ? e.files![file.slot] : undefined;
          if (!slot) return warn(`${at}.files[${j}].slot`, `Entity "${e.name}" has no file slot "${file.slot}"`);
          if (file.review) {
            if (!(slot.review?.states ?? []).includes(file.review.status)) warn(`${at}.files[${j}].review.status`, `"${file.review.status}" is not a review status of slot "${file.slot}"`);
            user(file.review.as, `${at}.files[${j}].review.as`);
          }
        });
      });
    }
    return problems;
  },
  compile: (own) => ({ demoData: own.map((d) => d.definition) }),
};
