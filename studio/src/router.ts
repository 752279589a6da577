// Hash routes: #/<app>/<screen>/<rest...>. A hash keeps every Studio URL served by one index.html
// and makes back/forward and bookmarks work without server routes.
import { useEffect, useState } from 'react';

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

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
