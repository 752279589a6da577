// The `app` kind: the root of an app (roles, auth, route aliases); every other kind is checked against it.
import { checkApp } from '../check-app.ts';
import { checkProviders } from '../../providers/check-providers.ts';
import { checkRegistration } from '../../auth/check-registration.ts';
import { definitionsByName } from '../definitions-by-name.ts';
import { templatesOf } from './template.ts';
import type { DefinitionKindModule } from '../definition-kind-module.ts';
import type { AppDef, RoleDef, RouteAliasDef } from '../definition-types.ts';

export interface CompiledAppRoot {
  id: string;
  name: string;
  basePath: string;
  roles: Readonly<Record<string, RoleDef>>;
  routes: readonly RouteAliasDef[];
  accessTokenMinutes: number;
  passwordLogin: boolean;
  definition: AppDef;
}

export const appKind: DefinitionKindModule<'app', AppDef, CompiledAppRoot> = {
  kind: 'app',
  schemaFile: 'app.schema.json',
  check: (_own, app) => [
    ...checkApp(app),
    ...checkProviders(app.app.file, app.app.definition),
    ...checkRegistration(app.app.file, app.app.definition, definitionsByName(app, 'otp'), templatesOf(app)),
  ],
  compile(_own, { app: { definition: appDef } }) {
    return {
      id: appDef.id,
      name: appDef.name,
      basePath: appDef.basePath ?? `/${appDef.id}`,
      roles: appDef.roles,
      routes: appDef.routes ?? [],
      accessTokenMinutes: appDef.auth?.accessTokenMinutes ?? 60,
      passwordLogin: appDef.auth?.password ?? true,
      definition: appDef,
    };
  },
};
