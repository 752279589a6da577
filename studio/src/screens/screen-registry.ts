// The Studio's screens, by name: adding one is one folder plus one line here. Each is loaded when
// first opened (its own chunk), so the first screen stays small.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Studio } from '../studio-context.tsx';

export interface ScreenProps {
  /** Path parts after the screen's name (#/<app>/<screen>/<rest...>). */
  rest: string[];
  query: URLSearchParams;
}

export interface ScreenDef {
  id: string;
  label: string;
  /** Whether this app and role have anything to show here. */
  available(s: Studio): boolean;
  component: LazyExoticComponent<ComponentType<ScreenProps>>;
}

const hasKind = (s: Studio, kind: string) => Boolean(s.live?.definitions.some((d) => d.kind === kind));

export const SCREENS: ScreenDef[] = [
  { id: 'releases', label: 'Releases', available: (s) => s.managesDefinitions, component: lazy(() => import('./releases/ReleasesScreen.tsx')) },
  { id: 'changes', label: 'Change sets', available: (s) => s.managesDefinitions, component: lazy(() => import('./changes/ChangesScreen.tsx')) },
  { id: 'matrix', label: 'Status matrix', available: (s) => hasKind(s, 'workflow'), component: lazy(() => import('./matrix/MatrixScreen.tsx')) },
  { id: 'promotions', label: 'Promotions', available: (s) => hasKind(s, 'rules'), component: lazy(() => import('./promotions/PromotionsScreen.tsx')) },
  { id: 'groups', label: 'Groups and master data', available: (s) => hasKind(s, 'rules'), component: lazy(() => import('./groups/GroupsScreen.tsx')) },
  { id: 'templates', label: 'Templates', available: (s) => hasKind(s, 'template'), component: lazy(() => import('./templates/TemplatesScreen.tsx')) },
  { id: 'operations', label: 'Operations', available: (s) => Boolean(s.live?.definitions.some((d) => (d.kind === 'app' && (d.content?.roles as Record<string, { operations?: { outbox?: boolean } }> | undefined)?.[s.session.user.role]?.operations?.outbox === true) || (d.kind === 'import' && (d.content?.roles as string[] | undefined)?.includes(s.session.user.role)))), component: lazy(() => import('./operations/OperationsScreen.tsx')) },
];
