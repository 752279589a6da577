// Who may do what to an app's definitions at runtime is the app's to say, per role
// (`definitions: { edit: true | [kinds], publish }` in app.yaml): a promotions editor may change
// templates and rules but not the workflow.
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors/app-error.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';

const rightsOf = (app: CompiledApp, actor: Actor) => app.roles[actor.role]?.definitions;

/** Seeing change sets and releases: whoever may edit or publish. */
export function assertMayView(app: CompiledApp, actor: Actor): void {
  const r = rightsOf(app, actor);
  if (!r?.edit && !r?.publish) throw new AppError('FORBIDDEN', `Role "${actor.role}" may not see the definitions of "${app.id}"`);
}

/** Editing in a change set: every kind, or only the kinds the role names. */
export function assertMayEdit(app: CompiledApp, actor: Actor, kind?: string): void {
  const edit = rightsOf(app, actor)?.edit;
  const may = edit === true || (Array.isArray(edit) && (kind === undefined || edit.includes(kind)));
  if (!may) throw new AppError('FORBIDDEN', kind ? `Role "${actor.role}" may not edit ${kind} definitions` : `Role "${actor.role}" may not edit definitions`);
}

export function assertMayPublish(app: CompiledApp, actor: Actor): void {
  if (!rightsOf(app, actor)?.publish) throw new AppError('FORBIDDEN', `Role "${actor.role}" may not publish releases`);
}

export function assertMayApprove(app: CompiledApp, actor: Actor): void {
  if (!rightsOf(app, actor)?.approve) throw new AppError('FORBIDDEN', `Role "${actor.role}" may not approve change sets`);
}
