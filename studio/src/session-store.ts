// A signed-in user per app, kept for the browser tab (sessionStorage): closing the tab signs out.
import type { Session } from './types.ts';

const key = (app: string) => `rulepath.studio.session.${app}`;

export function loadSession(app: string): Session | undefined {
  try {
    const raw = sessionStorage.getItem(key(app));
    const s = raw ? (JSON.parse(raw) as Session) : undefined;
    return s && s.app === app && typeof s.token === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(key(s.app), JSON.stringify(s));
}

export function forgetSession(app: string): void {
  sessionStorage.removeItem(key(app));
}
