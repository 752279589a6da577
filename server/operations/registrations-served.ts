import type { CompiledApp } from '../../engine/index.ts';

/** Whether the app takes self-registrations (app.yaml `registration`). */
export const registrationsServed = (app: CompiledApp) => app.definition.registration !== undefined;
