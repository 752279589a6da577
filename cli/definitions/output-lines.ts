// How the subcommands say things, one line each, in the shape `npm run validate` prints problems
// (`file  JSON-path  sentence`), so an engineer reads every command's output the same way.
import type { DefinitionChanges, DefinitionProblem, Release } from '../../engine/index.ts';

/** "2025-01-31 09:15:02 UTC" */
export const dateText = (d: Date) => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** "release 3 (admin, 2025-01-31 09:15:02 UTC)" */
export const releaseText = (r: Release) => `release ${r.number} (${r.source}, ${dateText(r.createdAt)})`;

/** Each change of each definition: `  file  path  sentence`. */
export const changeLines = (changed: readonly DefinitionChanges[]) => changed.flatMap((d) => d.changes.map((c) => `  ${d.file}  ${c.path}  ${c.sentence}\n`));

/** Each problem as `npm run validate` prints it. */
export const problemLines = (problems: readonly DefinitionProblem[]) => problems.map((p) => `  ${p.file}  ${p.path}  ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}\n`);

/** Rows in columns as wide as their widest cell; the last column is left ragged. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows.map((r) => `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd() + '\n');
}
