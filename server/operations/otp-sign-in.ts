import type { CompiledApp } from '../../engine/index.ts';

/** Whether the app signs users in by phone and code (auth.otp): the sign-in, refresh and logout operations serve it. */
export const otpSignIn = (app: CompiledApp) => Boolean(app.definition.auth?.otp);
