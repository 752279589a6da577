// A document's texts (title, header, headings, paragraphs, footer) compiled once, as message
// templates are (notify/compile-template.ts): strict handlebars, the built-in helpers only, no path
// through a prototype. Problems carry the JSON path of the text in the document's file.
import { compileTemplate, type CompiledTemplate } from '../notify/compile-template.ts';
import type { DefinitionProblem } from '../registry/definition-types.ts';
import type { DocumentDef } from './document-def.ts';

export interface CompiledDocument {
  readonly name: string;
  readonly entity?: string;
  readonly definition: DocumentDef;
  /** The compiled text at a JSON path of the definition ($.title, $.sections[2].paragraph). */
  readonly texts: ReadonlyMap<string, CompiledTemplate>;
}

/** Every handlebars text of a document, by its JSON path. */
export function documentTexts(def: DocumentDef): [string, string][] {
  const texts: [string, string | undefined][] = [['$.title', def.title], ['$.header', def.header], ['$.footer', def.footer]];
  def.sections.forEach((s, i) => {
    if ('paragraph' in s) texts.push([`$.sections[${i}].paragraph`, s.paragraph]);
    if ('heading' in s) texts.push([`$.sections[${i}].heading`, s.heading]);
  });
  return texts.filter((t): t is [string, string] => typeof t[1] === 'string');
}

export function compileDocument(def: DocumentDef, file: string): { document?: CompiledDocument; problems: DefinitionProblem[] } {
  const texts = new Map<string, CompiledTemplate>();
  const problems: DefinitionProblem[] = [];
  for (const [path, source] of documentTexts(def)) {
    const compiled = compileTemplate({ kind: 'template', name: `${def.name}${path.slice(1)}`, channel: 'sms', body: source }, file);
    // The template compiler speaks of its own "body": said here as the document's text at its path.
    problems.push(...compiled.problems.map((p) => ({ ...p, path, message: p.message.replace(/^"body"/, 'This text') })));
    if (compiled.template) texts.set(path, compiled.template);
  }
  if (problems.length) return { problems };
  return { problems, document: { name: def.name, entity: def.entity, definition: def, texts } };
}
