// What every screen is given: the app, the signed-in user, the API bound to their session, the app's
// live release (its definitions, when the role may see them) and the change set being worked on.
// Screens edit definitions only inside a change set: nothing reaches production until it is published.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, call, seg, type Caller } from './api.ts';
import { forgetSession } from './session-store.ts';
import type { AppSummary, ChangeSet, Release, Session } from './types.ts';

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
}

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
}

export interface Studio {
  app: AppSummary;
  session: Session;
  caller: Caller;
  api: Api;
  /** `/v1/apps/<app>` */
  base: string;
  /** The live release with its definitions' content; null while loading or when the role may not see definitions. */
  live: Release | null;
  /** Whether the role may see (and so work on) the app's definitions. */
  managesDefinitions: boolean;
  /** False until the first look at the live release has answered: until then nobody knows which screens the role has. */
  liveKnown: boolean;
  /** What the signed-in role may do with definitions, as the live app definition says (the server enforces it either way). */
  rights: { edit: boolean | string[]; publish: boolean; approve: boolean };
  reloadLive(): Promise<void>;
  /** The change set being worked on (open or scheduled), if one is chosen. */
  changeSet: ChangeSet | null;
  selectChangeSet(id: string | null): Promise<void>;
  openChangeSet(title: string): Promise<ChangeSet>;
  /** Puts a whole definition into the current change set (opening one if none is chosen); answers the change set with its problems. */
  putDefinition(kind: string, name: string, content: unknown, title?: string): Promise<ChangeSet>;
  refreshChangeSet(): Promise<void>;
  /** A definition as the change set has it, else as the live release has it. */
  definition<T = Record<string, unknown>>(kind: string, name: string): T | undefined;
  /** Every definition of a kind (change set over live). */
  definitionsOf<T = Record<string, unknown>>(kind: string): { name: string; content: T }[];
  notify(text: string, kind?: Toast['kind']): void;
  toasts: Toast[];
  dismiss(id: number): void;
  signOut(): void;
}

const StudioContext = createContext<Studio | null>(null);

export function useStudio(): Studio {
  const s = useContext(StudioContext);
  if (!s) throw new Error('useStudio outside a signed-in app');
  return s;
}

const changeSetKey = (app: string) => `rulepath.studio.changeSet.${app}`;

export function StudioProvider({ app, session, onSignOut, children }: { app: AppSummary; session: Session; onSignOut: () => void; children: ReactNode }) {
  const base = `/v1/apps/${seg(app.id)}`;
  const signOut = useCallback(() => {
    forgetSession(app.id);
    onSignOut();
  }, [app.id, onSignOut]);
  const caller = useMemo<Caller>(() => ({ token: session.token, onUnauthenticated: signOut }), [session.token, signOut]);
  const api = useMemo<Api>(
    () => ({
      get: (p) => call(caller, 'GET', p),
      post: (p, b) => call(caller, 'POST', p, b ?? {}),
      put: (p, b) => call(caller, 'PUT', p, b),
      patch: (p, b) => call(caller, 'PATCH', p, b),
      del: (p) => call(caller, 'DELETE', p),
    }),
    [caller],
  );
  const [live, setLive] = useState<Release | null>(null);
  const [managesDefinitions, setManages] = useState(false);
  const [liveKnown, setLiveKnown] = useState(false);
  const [changeSet, setChangeSet] = useState<ChangeSet | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);

  const notify = useCallback((text: string, kind: Toast['kind'] = 'info') => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t.slice(-3), { id, kind, text }]);
    if (kind !== 'error') setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  }, []);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);

  const reloadLive = useCallback(async () => {
    try {
      const releases = await api.get<Release[]>(`${base}/releases`);
      const newest = releases[0];
      setLive(newest ? await api.get<Release>(`${base}/releases/${newest.number}`) : null);
      setManages(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) setManages(false);
      else throw err;
    }
  }, [api, base]);

  const selectChangeSet = useCallback(
    async (id: string | null) => {
      if (!id) {
        sessionStorage.removeItem(changeSetKey(app.id));
        setChangeSet(null);
        return;
      }
      const cs = await api.get<ChangeSet>(`${base}/changes/${seg(id)}`);
      if (cs.status === 'open' || cs.status === 'scheduled') sessionStorage.setItem(changeSetKey(app.id), cs.id);
      else sessionStorage.removeItem(changeSetKey(app.id));
      setChangeSet(cs.status === 'open' || cs.status === 'scheduled' ? cs : null);
    },
    [api, base, app.id],
  );

  const openChangeSet = useCallback(
    async (title: string) => {
      const cs = await api.post<ChangeSet>(`${base}/changes`, { title });
      sessionStorage.setItem(changeSetKey(app.id), cs.id);
      setChangeSet(cs);
      return cs;
    },
    [api, base, app.id],
  );

  const putDefinition = useCallback(
    async (kind: string, name: string, content: unknown, title?: string) => {
      const target = changeSet?.status === 'open' ? changeSet : await openChangeSet(title ?? `Change ${kind} ${name}`);
      const updated = await api.put<ChangeSet>(`${base}/changes/${seg(target.id)}/definitions/${seg(kind)}/${seg(name)}`, content);
      setChangeSet(updated);
      return updated;
    },
    [api, base, changeSet, openChangeSet],
  );

  const refreshChangeSet = useCallback(async () => {
    if (changeSet) await selectChangeSet(changeSet.id);
  }, [changeSet, selectChangeSet]);

  useEffect(() => {
    reloadLive()
      .catch((err: unknown) => notify(err instanceof Error ? err.message : String(err), 'error'))
      .finally(() => setLiveKnown(true));
    const remembered = sessionStorage.getItem(changeSetKey(app.id));
    if (remembered) selectChangeSet(remembered).catch(() => sessionStorage.removeItem(changeSetKey(app.id)));
  }, [reloadLive, selectChangeSet, notify, app.id]);

  const definition = useCallback(
    <T,>(kind: string, name: string): T | undefined => {
      const drafted = changeSet?.definitions.find((d) => d.kind === kind && d.name === name);
      if (drafted) return (drafted.content ?? undefined) as T | undefined;
      return live?.definitions.find((d) => d.kind === kind && d.name === name)?.content as T | undefined;
    },
    [changeSet, live],
  );
  const definitionsOf = useCallback(
    <T,>(kind: string) => {
      const names = new Set([...(live?.definitions ?? []).filter((d) => d.kind === kind).map((d) => d.name), ...(changeSet?.definitions ?? []).filter((d) => d.kind === kind).map((d) => d.name)]);
      return [...names]
        .sort()
        .map((name) => ({ name, content: definition<T>(kind, name) }))
        .filter((d): d is { name: string; content: T } => d.content !== undefined);
    },
    [live, changeSet, definition],
  );

  const declared = (live?.definitions.find((d) => d.kind === 'app')?.content as { roles?: Record<string, { definitions?: { edit?: boolean | string[]; publish?: boolean; approve?: boolean } }> } | undefined)?.roles?.[session.user.role]?.definitions;
  const rights = { edit: declared?.edit ?? false, publish: declared?.publish === true, approve: declared?.approve === true };
  const value: Studio = {
    app, session, caller, api, base, live, managesDefinitions, liveKnown, rights, reloadLive,
    changeSet, selectChangeSet, openChangeSet, putDefinition, refreshChangeSet,
    definition, definitionsOf, notify, toasts, dismiss, signOut,
  };
  return <StudioContext.Provider value={value}>{children}</StudioContext.Provider>;
}
