// Store and product groups (§4.8) resolved to their members: every member record is tested
// against every group's compiled filter once, and the result is kept until master data or a
// group changes. Membership is never stored, so it follows the data.
import type { Queryable } from '../records/record-store.ts';
import type { GroupSourceDef } from '../registry/definition-types.ts';
import { compileCondition, type RuleCondition } from '../conditions/compile-condition.ts';

export interface MaterializedGroups {
  /** group code -> member keys */
  members: ReadonlyMap<string, ReadonlySet<string>>;
  /** member key -> the codes of the groups it is in */
  groupsOf: ReadonlyMap<string, readonly string[]>;
  /** member key (as stored) -> the member's data */
  records: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** lower-cased key -> key as stored (SKUs are unique case-insensitively) */
  canonical: ReadonlyMap<string, string>;
}

export interface MemberSource {
  entity: string;
  key: string;
  /** The fact name filters use for a member (store, product). */
  fact: string;
}

export async function materializeGroups(sql: Queryable, app: string, member: MemberSource, groups: GroupSourceDef): Promise<MaterializedGroups> {
  const [memberRows, groupRows] = await Promise.all([
    sql.query<{ data: Record<string, unknown> }>('SELECT data FROM records WHERE app = $1 AND entity = $2 AND deleted_at IS NULL', [app, member.entity]),
    sql.query<{ data: Record<string, unknown> }>('SELECT data FROM records WHERE app = $1 AND entity = $2 AND deleted_at IS NULL ORDER BY created_at, id', [app, groups.entity]),
  ]);
  return resolveGroups(
    memberRows.rows.map((r) => r.data),
    groupRows.rows.map((r) => ({ code: r.data[groups.code], filter: r.data[groups.filter] })),
    member,
  );
}

/** Tests every member against every group's filter (checked when the group was written). */
export function resolveGroups(memberData: readonly Record<string, unknown>[], groupDefs: readonly { code: unknown; filter: unknown }[], member: Pick<MemberSource, 'key' | 'fact'>): MaterializedGroups {
  const records = new Map<string, Record<string, unknown>>();
  const canonical = new Map<string, string>();
  for (const data of memberData) {
    const key = data[member.key];
    if (typeof key !== 'string') continue;
    records.set(key, data);
    canonical.set(key.toLowerCase(), key);
  }
  const members = new Map<string, Set<string>>();
  const groupsOf = new Map<string, string[]>();
  for (const { code, filter } of groupDefs) {
    if (typeof code !== 'string') continue;
    const set = new Set<string>();
    members.set(code, set);
    const test = compileCondition(filter as RuleCondition).test;
    for (const [key, rec] of records) {
      if (test({ [member.fact]: rec })) {
        set.add(key);
        const list = groupsOf.get(key);
        if (list) list.push(code);
        else groupsOf.set(key, [code]);
      }
    }
  }
  return { members, groupsOf, records, canonical };
}
