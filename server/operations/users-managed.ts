import type { CompiledApp } from '../../engine/index.ts';

/** Whether some role of the app may manage its users (operations: { users: true }). */
export const usersManaged = (app: CompiledApp) => Object.values(app.roles).some((r) => r.operations?.users === true);
