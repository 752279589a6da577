import type { CompiledApp } from '../../engine/index.ts';

/** Whether some role of the app may change its definitions at runtime (definitions: { edit | publish }). */
export const definitionsManaged = (app: CompiledApp) => Object.values(app.roles).some((r) => Boolean(r.definitions?.edit || r.definitions?.publish));
