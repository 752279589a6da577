// Named points in a record's life that modules hook into (after Fastify's lib/hooks.js): the record
// and transition services call the points; they never import the modules that use them. The
// promotions module, for one, prices transactions before they are created, checks promotions and
// groups before they are written, compiles a promotion as it is activated, and drops its caches
// after a commit.
import type { Actor } from '../auth/actor.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';

/** What a module stores beside a record as it enters a state, in the same statement (a compiled rule). */
export interface StoredBeside {
  ruleset: string;
  compiled: unknown;
}

export interface RecordHooks {
  /** Before a create is validated: may compute fields (a transaction's amounts) or refuse the create. */
  beforeCreate?(app: CompiledApp, entity: string, actor: Actor, data: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Before fields are written (a create, a change, a change with a move): may refuse them. */
  beforeWrite?(app: CompiledApp, entity: string, data: Readonly<Record<string, unknown>>): Promise<void>;
  /** A move into `toState` is about to be written: may refuse it, or give what to store beside the record. */
  onEnter?(app: CompiledApp, entity: string, toState: string, record: { id: string; version: number; data: Record<string, unknown> }): Promise<StoredBeside | undefined>;
  /** After a write committed. */
  afterCommit?(appId: string, entity: string): void;
}

/** One set of hooks running every module's, in the order given. */
export function combineHooks(modules: readonly RecordHooks[]): Required<RecordHooks> {
  return {
    async beforeCreate(app, entity, actor, data) {
      let out = data;
      for (const m of modules) if (m.beforeCreate) out = await m.beforeCreate(app, entity, actor, out);
      return out;
    },
    async beforeWrite(app, entity, data) {
      for (const m of modules) await m.beforeWrite?.(app, entity, data);
    },
    async onEnter(app, entity, toState, record) {
      // One thing stored beside a record per move: the first module that has one gives it.
      for (const m of modules) {
        const stored = await m.onEnter?.(app, entity, toState, record);
        if (stored) return stored;
      }
      return undefined;
    },
    afterCommit(appId, entity) {
      for (const m of modules) m.afterCommit?.(appId, entity);
    },
  };
}
