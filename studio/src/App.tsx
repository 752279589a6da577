// The Studio's frame: pick an app, sign in with that app's own sign-in, then the screens the role
// has something in. Every screen calls only the public REST API, which enforces every rule.
import { Suspense, useCallback, useEffect, useState } from 'react';
import { call, describeError } from './api.ts';
import { href, navigate, useRoute } from './router.ts';
import { SCREENS } from './screens/screen-registry.ts';
import { loadSession } from './session-store.ts';
import { SignIn } from './SignIn.tsx';
import { StudioProvider, useStudio } from './studio-context.tsx';
import type { AppSummary, Session } from './types.ts';
import { Button } from './ui/Button.tsx';
import { Loading } from './ui/Panel.tsx';
import { ErrorBox } from './ui/Problems.tsx';

export function App() {
  const route = useRoute();
  const [apps, setApps] = useState<AppSummary[]>();
  const [error, setError] = useState<ReturnType<typeof describeError>>();
  useEffect(() => {
    call<AppSummary[]>({}, 'GET', '/v1/apps').then(setApps, (err: unknown) => setError(describeError(err)));
  }, []);
  const app = apps?.find((a) => a.id === route.app);
  const [session, setSession] = useState<Session | undefined>();
  useEffect(() => setSession(app ? loadSession(app.id) : undefined), [app]);
  const signedOut = useCallback(() => setSession(undefined), []);

  if (error) return <ErrorBox message={error.message} details={error.details} />;
  if (!apps) return <Loading what="Loading the apps" />;
  if (!app) return <AppPicker apps={apps} />;
  return (
    <div className="frame">
      <a className="skip" href="#main">Skip to content</a>
      <TopBar apps={apps} app={app} session={session} />
      {session ? (
        <StudioProvider key={`${app.id}:${session.token}`} app={app} session={session} onSignOut={signedOut}>
          <Workspace />
        </StudioProvider>
      ) : (
        <SignIn app={app} onSignedIn={setSession} />
      )}
    </div>
  );
}

function AppPicker({ apps }: { apps: AppSummary[] }) {
  return (
    <main className="picker" id="main">
      <h1>Rulepath Studio</h1>
      <p className="muted">Change promotions, status matrices and templates safely: every change goes through a change set, is checked and tested, and can be rolled back.</p>
      <ul className="app-cards">
        {apps.map((a) => (
          <li key={a.id}>
            <a className="app-card" href={href(a.id)}>
              <strong>{a.name}</strong>
              <span className="muted">{a.release ? `Release ${a.release} live` : 'No release yet'}</span>
            </a>
          </li>
        ))}
      </ul>
    </main>
  );
}

function TopBar({ apps, app, session }: { apps: AppSummary[]; app: AppSummary; session?: Session }) {
  return (
    <header className="topbar">
      <a className="brand" href="#/">
        Rulepath <span>Studio</span>
      </a>
      <label className="app-switch">
        <span className="visually-hidden">App</span>
        <select value={app.id} onChange={(e) => navigate(href(e.target.value))}>
          {apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <span className="spacer" />
      {session ? <UserBadge session={session} /> : null}
    </header>
  );
}

function UserBadge({ session }: { session: Session }) {
  return (
    <span className="user">
      {session.user.displayName ?? session.user.email ?? session.user.phone} <span className="muted">({session.user.role})</span>
    </span>
  );
}

/** The query a screen gets when the address named another screen: never another screen's. */
const NO_QUERY = new URLSearchParams();

function Workspace() {
  const studio = useStudio();
  const route = useRoute();
  const screens = SCREENS.filter((s) => s.available(studio));
  // The address is never rewritten here: a redirect to the first screen, decided from a route read
  // before a same-page navigation was seen, sent a deep link opened just after sign-in elsewhere.
  // A route naming no screen of this role shows the first one, without the route's rest.
  const named = screens.find((s) => s.id === route.screen);
  const current = named ?? screens[0];
  const Screen = current?.component;
  return (
    <div className="workspace">
      <nav className="sidenav" aria-label="Screens">
        <ul>
          {screens.map((s) => (
            <li key={s.id}>
              <a href={href(studio.app.id, s.id)} aria-current={s.id === current?.id ? 'page' : undefined}>
                {s.label}
              </a>
            </li>
          ))}
        </ul>
        <ChangeSetChip />
        <Button variant="ghost" onClick={studio.signOut}>
          Sign out
        </Button>
      </nav>
      <main className="content" id="main" tabIndex={-1}>
        {!studio.liveKnown ? (
          <Loading />
        ) : Screen ? (
          <Suspense fallback={<Loading />}>
            {route.screen && !named ? <p className="muted">“{route.screen}” is not a screen you have here; showing {current!.label}.</p> : null}
            <Screen rest={named ? route.rest : []} query={named ? route.query : NO_QUERY} />
          </Suspense>
        ) : (
          <p className="empty">Your role has nothing to manage in {studio.app.name} here.</p>
        )}
      </main>
      <Toasts />
    </div>
  );
}

/** The change set being worked on, always in view: edits land there, never straight in production. */
function ChangeSetChip() {
  const { changeSet, app } = useStudio();
  if (!changeSet) return <p className="cs-chip muted">No change set open</p>;
  const errors = changeSet.problems.filter((p) => p.severity !== 'warning').length;
  return (
    <a className="cs-chip" href={href(app.id, 'changes', changeSet.id)}>
      <span className="muted">Working in</span> <strong>{changeSet.title}</strong>{' '}
      <span>
        {changeSet.definitions.length} definition{changeSet.definitions.length === 1 ? '' : 's'} · {errors ? `${errors} problem${errors === 1 ? '' : 's'}` : 'no problems'}
      </span>
    </a>
  );
}

function Toasts() {
  const { toasts, dismiss } = useStudio();
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`}>
          <span>{t.kind === 'error' ? 'Error: ' : ''}{t.text}</span>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
