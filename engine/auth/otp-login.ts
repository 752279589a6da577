// Phone + OTP sign-in, refresh and logout (PromoPartner §4.1.1–4.1.3), for any app whose
// definition names an OTP policy under auth.otp.
import type { EngineContext } from '../engine-context.ts';
import type { Prisma } from '../store/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { OtpService } from '../otp/otp-service.ts';
import type { CompiledApp } from '../registry/compiled-app.ts';
import { bodyValidator } from '../support/validate-body.ts';
import { actorOf } from './login-service.ts';
import type { RefreshTokens } from './refresh-tokens.ts';

export const OTP_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['phone'],
  properties: { phone: { type: 'string', format: 'phone' } },
} as const;

export const OTP_VERIFY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['otpId', 'code'],
  properties: { otpId: { type: 'string', format: 'uuid' }, code: { type: 'string', pattern: '^[0-9]{4,10}$' } },
} as const;

const validateRequest = bodyValidator<{ phone: string }>(OTP_REQUEST_SCHEMA);
/** Sign-in with a phone and the code last sent to it. */
export const PHONE_LOGIN_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['phone', 'otp'],
  properties: { phone: { type: 'string', format: 'phone' }, otp: { type: 'string', pattern: '^[0-9]{4,10}$' } },
} as const;
const validatePhoneLogin = bodyValidator<{ phone: string; otp: string }>(PHONE_LOGIN_SCHEMA);
const validateVerify = bodyValidator<{ otpId: string; code: string }>(OTP_VERIFY_SCHEMA);

export interface SessionTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: { id: string; role: string; email: string | null; phone: string | null; displayName: string | null };
}

export function createOtpLogin(ctx: EngineContext, otp: OtpService, refresh: RefreshTokens) {
  const policyOf = (app: CompiledApp) => {
    const policy = app.definition.auth?.otp?.policy;
    if (!policy) throw new AppError('NOT_FOUND', 'OTP sign-in is not enabled for this app');
    return policy;
  };
  const refreshHours = (app: CompiledApp) => app.definition.auth?.refreshTokenHours ?? 12;

  /** A session for an active user; `tx` (a sign-in) stores the refresh token with the code it spends. */
  async function session(app: CompiledApp, userId: string, refreshToken?: { refreshToken: string; refreshExpiresIn: number; familyId: string }, tx?: Prisma.TransactionClient): Promise<SessionTokens> {
    const user = await (tx ?? ctx.db).user.findUnique({ where: { id: userId } });
    if (!user || user.app !== app.id || !user.active || !(user.role in app.roles)) throw new AppError('UNAUTHENTICATED', 'The account is not active');
    const { familyId, ...r } = refreshToken ?? (await refresh.issue(app.id, user.id, refreshHours(app), undefined, tx));
    // The access token names the refresh family as its session: a logout or a revoked family ends both.
    const { accessToken, expiresIn } = await ctx.tokens.issue(actorOf(app.id, user), app.accessTokenMinutes, familyId);
    return { accessToken, tokenType: 'Bearer', expiresIn, ...r, user: { id: user.id, role: user.role, email: user.email, phone: user.phone, displayName: user.displayName } };
  }

  return {
    /** A code to the user's phone always, and to their email when the profile has one. */
    async request(app: CompiledApp, body: unknown) {
      const policy = policyOf(app);
      const { phone } = validateRequest(body);
      const user = await ctx.db.user.findUnique({ where: { app_phone: { app: app.id, phone } } });
      if (!user || !user.active) throw new AppError('NOT_FOUND', 'No active user with this phone number');
      return otp.issue(app, policy, user.id, { sms: phone, email: user.email ?? undefined });
    },
    async verify(app: CompiledApp, body: unknown): Promise<SessionTokens> {
      const { otpId, code } = validateVerify(body);
      // The code is spent only if the session is made: an inactive account keeps its code unspent.
      const verified = await otp.verify(app, policyOf(app), otpId, code, (tx, subject) => session(app, subject, undefined, tx));
      return verified.result;
    },
    /**
     * Phone and the code last sent to it, in one call (the seed's POST /auth/login with phone + OTP):
     * the same checks, lockout and one-use code as verify, answering a session with refresh token.
     */
    async signInWithPhone(app: CompiledApp, body: unknown): Promise<SessionTokens> {
      const policy = policyOf(app);
      const { phone, otp: code } = validatePhoneLogin(body);
      const user = await ctx.db.user.findUnique({ where: { app_phone: { app: app.id, phone } } });
      // An unknown phone, or one whose account may not sign in (pending, rejected, deactivated),
      // reads as a wrong code: sign-in never tells who has an account, nor in what state.
      if (!user || !user.active) throw new AppError('OTP_INVALID');
      return (await otp.verifyLatest(app, policy, user.id, code, (tx, subject) => session(app, subject, undefined, tx))).result;
    },
    async refresh(app: CompiledApp, token: unknown): Promise<SessionTokens> {
      const rotated = await refresh.rotate(app.id, token, refreshHours(app));
      return session(app, rotated.userId, rotated);
    },
    async logout(app: CompiledApp, token: unknown): Promise<void> {
      await refresh.revoke(app.id, token);
    },
  };
}

export type OtpLogin = ReturnType<typeof createOtpLogin>;
