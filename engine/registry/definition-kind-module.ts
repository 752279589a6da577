// The contract every definition kind implements, like a zen node handler: compile-app.ts loops
// over the modules listed in definition-kinds.ts and never branches on a kind's name.
import type { CompiledPartOf, DefinitionKind, DefinitionOfKind } from './definition-kinds.ts';
import type { AppDef, DefinitionProblem, SourcedDefinition } from './definition-types.ts';

/** Every definition of one app that passed its schema (and its kind's `read`), for the checks of any kind. */
export interface AppDefinitionSet {
  /** The app's one `app` definition: checks run only when there is exactly one, readable. */
  app: SourcedDefinition<AppDef>;
  /** Definitions of a kind in file order, a repeated name included. */
  all<K extends DefinitionKind>(kind: K): readonly SourcedDefinition<DefinitionOfKind<K>>[];
  /** Definitions of a kind by name; of a repeated name (refused anyway), the last one. */
  named<K extends DefinitionKind>(kind: K): ReadonlyMap<string, SourcedDefinition<DefinitionOfKind<K>>>;
  /** "kind:name" of definitions refused by their schema or `read`: known to exist, so not reported again as "not defined". */
  malformed: ReadonlySet<string>;
  /** Production refuses development-only definitions (fixed OTP codes). */
  production: boolean;
}

/** What a kind compiles against, once every check has passed. */
export interface KindCompileContext extends AppDefinitionSet {
  /** Another kind's compiled part, compiled once on first ask (an entity holds its compiled workflow). */
  part<K extends DefinitionKind>(kind: K): CompiledPartOf<K>;
}

export interface DefinitionKindModule<K extends string, D extends { kind: K }, Part extends object> {
  /** The value of `kind:` in a definition file. */
  readonly kind: K;
  /** Its JSON Schema under definitions/_schema/ (its `$id` is https://rulepath.dev/schema/<schemaFile>). */
  readonly schemaFile: string;
  /**
   * Kinds whose definitions carry a `name` unique within the app: the noun used when a name is
   * repeated ("The ruleset "x" is already defined"); `citeEarlier` adds the file that defined it first.
   */
  readonly names?: { noun: string; citeEarlier?: boolean };
  /** Checks of one definition needing no other (a template's handlebars); a problem refuses it as malformed. */
  read?(definition: SourcedDefinition<D>): DefinitionProblem[];
  /** Checks of this kind's definitions against the app's other definitions (names they use exist). */
  check?(own: readonly SourcedDefinition<D>[], app: AppDefinitionSet): DefinitionProblem[];
  /** This kind's part of the compiled app; runs only when no definition of the app has a problem. */
  compile(own: readonly SourcedDefinition<D>[], app: KindCompileContext): Part;
}
