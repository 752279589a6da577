// The definitions a folder's files and an admin both changed since the last import: the files'
// version is held back (the admin's keeps serving) until an engineer exports the live release (and
// edits over it) or an admin publishes the files' version. Each is said as what the files' version
// would change in the live one.
import { compareDefinitions, identityOf, releaseDefinitions, type AppFolderPlan, type Database, type ReleasedDefinition } from '../../engine/index.ts';
import { changeLines } from './output-lines.ts';

const keyOf = (d: { kind: string; name: string }) => `${d.kind}/${d.name}`;

export async function conflictLines(db: Database, planned: AppFolderPlan): Promise<string[]> {
  const { plan, files } = planned;
  if (!plan.conflicts.length || !plan.live) return [];
  const conflicts = new Set(plan.conflicts);
  const inFiles: ReleasedDefinition[] = files.flatMap((f) => {
    const id = identityOf(f.content);
    return id && conflicts.has(keyOf(id)) ? [{ ...id, file: f.file, content: f.content }] : [];
  });
  const live = (await releaseDefinitions(db, plan.live)).filter((d) => conflicts.has(keyOf(d)));
  return [
    `conflicts: ${plan.conflicts.join(', ')} changed in the files and by an admin since the last import: held back, the admin's stays live (export the live release and make the edit again over it, or have an admin publish the files' version). The files' version would:\n`,
    ...changeLines(compareDefinitions(live, inFiles)),
  ];
}
