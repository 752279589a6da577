// Hash routes: #/<app>/<screen>/<rest...>. A hash keeps every Studio URL served by one index.html
// and makes back/forward and bookmarks work without server routes.
import { useMemo, useSyncExternalStore } from 'react';

export interface Route {
  app?: string;
  screen?: string;
  rest: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [pathPart = '', queryPart = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = pathPart.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return { app: parts[0], screen: parts[1], rest: parts.slice(2), query: new URLSearchParams(queryPart) };
}

export const href = (app: string, screen?: string, ...rest: (string | number)[]) =>
  '#/' + [app, screen, ...rest].filter((p) => p !== undefined && p !== '').map((p) => encodeURIComponent(String(p))).join('/');

export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to;
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};
const currentHash = () => location.hash;

/**
 * The route of the address as it is now. An external store, not state copied at mount: a component
 * mounted between a navigation and its hashchange event (the Workspace, right after sign-in) reads
 * the new address at its first render instead of missing the event.
 */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, currentHash);
  return useMemo(() => parseRoute(hash), [hash]);
}
