// Templates are untrusted admin input. Handlebars is used in its own environment, strict (a
// missing variable is an error, not an empty string), with the built-in helpers only, prototype
// access off, and every path checked before compiling: no segment may reach a prototype.
import Handlebars from 'handlebars';
import type { DefinitionProblem } from '../registry/definition-types.ts';

export interface TemplateDef {
  kind: 'template';
  name: string;
  channel: 'sms' | 'email';
  locale?: string;
  subject?: string;
  body: string;
  html?: string;
}

export interface CompiledTemplate {
  name: string;
  channel: 'sms' | 'email';
  locale: string;
  /** Every variable path the template reads (helpers' own paths such as `this` excluded). */
  variables: readonly string[];
  render(context: object): { subject?: string; text: string; html?: string };
}

const KNOWN_HELPERS = { if: true, unless: true, each: true, with: true } as const;
// Every name Object.prototype carries, and `prototype`: data never needs them, code paths do.
const FORBIDDEN = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const env = Handlebars.create();

interface Node {
  type: string;
  [key: string]: unknown;
}

/** Walks the Handlebars AST: collects paths, refuses forbidden segments and unknown helpers. */
function inspect(source: string, where: string): { variables: string[]; problems: string[] } {
  const variables = new Set<string>();
  const problems: string[] = [];
  let ast: Node;
  try {
    ast = env.parse(source) as unknown as Node;
  } catch (err) {
    return { variables: [], problems: [`${where} is not a valid template: ${(err as Error).message.split('\n')[0]}`] };
  }
  const visit = (node: unknown, blockDepth: number): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => visit(n, blockDepth));
    const n = node as Node;
    if (n.type === 'PathExpression') {
      const parts = n.parts as string[];
      const bad = parts.find((p) => FORBIDDEN.has(p));
      if (bad) problems.push(`${where} may not use "${bad}"`);
      // Inside each/with blocks paths are relative to the block's value; only top-level paths are checked against the context.
      else if (blockDepth === 0 && (n.depth as number) === 0 && !(n.data as boolean) && parts.length) variables.add(parts.join('.'));
      return;
    }
    if (n.type === 'BlockStatement' || n.type === 'MustacheStatement' || n.type === 'SubExpression') {
      const path = n.path as Node;
      const params = (n.params as Node[]) ?? [];
      const isHelperCall = params.length > 0 || n.type === 'BlockStatement' || n.hash !== undefined;
      if (isHelperCall && path.type === 'PathExpression') {
        const name = (path.parts as string[]).join('.');
        if (!(name in KNOWN_HELPERS)) problems.push(`${where} uses "${name}", which is not a known helper (if, unless, each, with)`);
      } else visit(path, blockDepth);
      visit(params, blockDepth);
      visit(n.hash, blockDepth);
      const inner = n.type === 'BlockStatement' && ['each', 'with'].includes(((path.parts as string[]) ?? []).join('.')) ? blockDepth + 1 : blockDepth;
      visit(n.program, inner);
      visit(n.inverse, blockDepth);
      return;
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value, blockDepth);
  };
  visit(ast, 0);
  return { variables: [...variables], problems };
}

export function compileTemplate(def: TemplateDef, file: string): { template?: CompiledTemplate; problems: DefinitionProblem[] } {
  const parts: [keyof TemplateDef, string | undefined][] = [['subject', def.subject], ['body', def.body], ['html', def.html]];
  const problems: DefinitionProblem[] = [];
  const variables = new Set<string>();
  for (const [key, source] of parts) {
    if (source === undefined) continue;
    if (typeof source !== 'string') {
      problems.push({ file, path: `$.${key}`, message: 'A template must be a string' });
      continue;
    }
    const found = inspect(source, `"${key}"`);
    found.variables.forEach((v) => variables.add(v));
    problems.push(...found.problems.map((message) => ({ file, path: `$.${key}`, message })));
  }
  if (problems.length) return { problems };

  const options = (escape: boolean) => ({ strict: true, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, noEscape: !escape, assumeObjects: true });
  // SMS and plain-text bodies are not HTML: escaping would turn "&" into "&amp;" on a phone.
  const subject = def.subject !== undefined ? env.compile(def.subject, options(false)) : undefined;
  const body = env.compile(def.body, options(false));
  const html = def.html !== undefined ? env.compile(def.html, options(true)) : undefined;
  const runtime = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };
  return {
    problems: [],
    template: {
      name: def.name,
      channel: def.channel,
      locale: def.locale ?? 'en',
      variables: [...variables],
      render(context) {
        return { subject: subject?.(context, runtime), text: body(context, runtime), html: html?.(context, runtime) };
      },
    },
  };
}
