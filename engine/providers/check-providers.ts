// An app's `providers` name kinds the engine has, as a list for chained kinds and one provider for
// the others. (Whether each named plugin exists and its config is valid is checked when the app's
// providers are made, at start: that needs the plugin catalog.)
import type { AppDef, DefinitionProblem } from '../registry/definition-types.ts';
import { PROVIDER_KINDS, isProviderKind, providerKinds } from './provider-kinds.ts';

export function checkProviders(file: string, app: AppDef): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const [kind, refs] of Object.entries(app.providers ?? {})) {
    const path = `$.providers.${kind}`;
    if (!isProviderKind(kind)) problems.push({ file, path, message: `"${kind}" is not a provider kind (${providerKinds.join(', ')})` });
    else if (PROVIDER_KINDS[kind].chain && !Array.isArray(refs)) problems.push({ file, path, message: `${kind} providers are a list, tried in order` });
    else if (!PROVIDER_KINDS[kind].chain && Array.isArray(refs)) problems.push({ file, path, message: `An app has one ${kind} provider` });
  }
  return problems;
}
