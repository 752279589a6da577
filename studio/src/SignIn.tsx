// Each app's own sign-in, as its users know it: email and password, or phone and a code by SMS.
import { useState, type FormEvent } from 'react';
import { call, describeError } from './api.ts';
import { saveSession } from './session-store.ts';
import type { AppSummary, Session, SignedInUser } from './types.ts';
import { Button } from './ui/Button.tsx';
import { Segmented } from './ui/Segmented.tsx';
import { TextInput } from './ui/Field.tsx';
import { ErrorBox } from './ui/Problems.tsx';

interface Tokens {
  accessToken: string;
  user: SignedInUser;
}

export function SignIn({ app, onSignedIn }: { app: AppSummary; onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<'password' | 'otp'>(app.signIn.password ? 'password' : 'otp');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [otpId, setOtpId] = useState<string>();
  const codeSent = otpId !== undefined;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  const base = `/v1/apps/${encodeURIComponent(app.id)}/auth`;

  const done = (t: Tokens) => {
    const s: Session = { app: app.id, token: t.accessToken, user: t.user };
    saveSession(s);
    onSignedIn(s);
  };
  const attempt = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'password') return void attempt(async () => done(await call<Tokens>({}, 'POST', `${base}/login`, { email, password })));
    if (!codeSent) return void attempt(async () => setOtpId((await call<{ otpId: string }>({}, 'POST', `${base}/otp/request`, { phone })).otpId));
    return void attempt(async () => done(await call<Tokens>({}, 'POST', `${base}/otp/verify`, { otpId, code })));
  };

  return (
    <main className="signin" id="main">
      <form className="panel signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to {app.name}</h1>
        {app.signIn.password && app.signIn.otp ? (
          <Segmented label="How to sign in" value={mode} onChange={setMode} options={[{ value: 'password', label: 'Email and password' }, { value: 'otp', label: 'Phone and code' }]} />
        ) : null}
        {mode === 'password' ? (
          <>
            <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
            <TextInput label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </>
        ) : (
          <>
            <TextInput label="Phone" inputMode="numeric" autoComplete="tel" required value={phone} onChange={(e) => setPhone(e.target.value)} disabled={codeSent} autoFocus hint="The 10-digit number the app knows you by" />
            {codeSent ? <TextInput label="Code sent by SMS" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} autoFocus /> : null}
          </>
        )}
        {error ? <ErrorBox message={error.message} details={error.details} /> : null}
        <Button type="submit" variant="primary" busy={busy}>
          {mode === 'otp' && !codeSent ? 'Send me a code' : 'Sign in'}
        </Button>
      </form>
    </main>
  );
}
