// Assignment rules (entity `assign`): a new record whose field is empty, and which meets `when`, is
// given to an active user of a role whose attributes match the record's fields (a customer's service
// request goes to a channel partner of its city). Users are data (auth/user-admin.ts), so the choice
// is made in the create's own transaction, whatever the route:
//  - least-open (default): the user with the fewest records in this field not in a final state;
//  - round-robin: the user whose latest record in this field is the oldest (never given one first).
// Ties go to the lowest user id. Creates that assign under one rule are serialised by an advisory
// lock held to their commit, so parallel creates see each other's choice and spread evenly. When
// nobody matches, the record stays unassigned (admins see it), or with `fallback: any` goes to a
// user of the role regardless of the match.
import type { Actor } from '../auth/actor.ts';
import { nowFacts, type ConditionGuard } from '../conditions/condition-guard.ts';
import type { AssignRule } from '../registry/definition-types.ts';
import type { CompiledEntity } from './compile-entity.ts';
import type { Queryable } from './record-store.ts';

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** Whether the rule applies to this new record (pure: decided before the transaction). */
export async function assignmentApplies(entity: CompiledEntity, guard: ConditionGuard | undefined, data: Record<string, unknown>, actor: Actor, now: Date): Promise<boolean> {
  const rule = entity.definition.assign;
  if (!rule || !isEmpty(data[rule.field])) return false;
  return !guard || guard({ record: { ...data }, input: {}, actor: { ...actor }, now: nowFacts(now) });
}

/** The user id the record goes to, or undefined; call inside the create's transaction. */
export async function chooseAssignee(sql: Queryable, app: string, entity: CompiledEntity, data: Record<string, unknown>): Promise<string | undefined> {
  const rule = entity.definition.assign!;
  await sql.query('SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 0))', [`assign:${app}:${entity.name}:${rule.field}`]);
  const matched = await pick(sql, app, entity, rule, data, true);
  if (matched !== null || rule.fallback !== 'any') return matched ?? undefined;
  return (await pick(sql, app, entity, rule, data, false)) ?? undefined;
}

/** null: nobody matches. */
async function pick(sql: Queryable, app: string, entity: CompiledEntity, rule: AssignRule, data: Record<string, unknown>, withMatch: boolean): Promise<string | null> {
  const values: unknown[] = [app, rule.role, entity.name, rule.field];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  if (withMatch) {
    for (const [field, attribute] of Object.entries(rule.match ?? {})) {
      const v = data[field];
      if (typeof v !== 'string' && typeof v !== 'number') return null;
      const name = param(attribute.slice('attributes.'.length));
      const wanted = param(String(v).trim().toLowerCase());
      // An attribute is a value or a list of values (a CP serving two cities).
      where.push(`(CASE jsonb_typeof(u.attributes -> ${name})
          WHEN 'string' THEN lower(btrim(u.attributes ->> ${name})) = ${wanted}
          WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(u.attributes -> ${name}) a WHERE lower(btrim(a)) = ${wanted})
          ELSE false END)`);
    }
  }
  const finals = Object.entries(entity.workflow?.states ?? {}).filter(([, s]) => s.final).map(([name]) => name);
  const roundRobin = rule.strategy === 'round-robin';
  // least-open counts the records still open; round-robin looks at when each was last given one.
  const open = roundRobin ? '' : `AND (r.state IS NULL OR NOT (r.state = ANY(${param(finals)}::text[])))`;
  // A field a scope reads is also a GIN-indexed scope tag: only the candidates' records are read.
  const tagged = entity.scopeFields.includes(rule.field) ? `AND r.scope_tags && (SELECT array_agg($4 || ':' || id) FROM candidates)` : '';
  const order = roundRobin ? 'l.latest ASC NULLS FIRST' : 'coalesce(l.n, 0) ASC';
  const { rows } = await sql.query<{ id: string }>(
    `WITH candidates AS (
       SELECT u.id::text AS id FROM users u WHERE u.app = $1 AND u.role = $2 AND u.active ${where.map((w) => `AND ${w}`).join(' ')}
     ), load AS (
       SELECT r.data ->> $4 AS id, count(*) AS n, max(r.created_at) AS latest FROM records r
       WHERE r.app = $1 AND r.entity = $3 AND r.deleted_at IS NULL AND r.data ->> $4 IN (SELECT id FROM candidates) ${open} ${tagged}
       GROUP BY 1
     )
     SELECT c.id FROM candidates c LEFT JOIN load l ON l.id = c.id
     ORDER BY ${order}, c.id::uuid
     LIMIT 1`,
    values,
  );
  return rows[0]?.id ?? null;
}
