import type { CompiledApp } from '../../engine/index.ts';

/** Whether some role of the app may manage its outbox (operations: { outbox: true }). */
export const outboxManaged = (app: CompiledApp) => Object.values(app.roles).some((r) => r.operations?.outbox === true);
