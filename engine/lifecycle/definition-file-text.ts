// A definition written back to its file (`npm run definitions -- export`). Engineers review the
// result as a diff and keep working in it, so it must read as they write: when the file exists,
// its document is updated in place — untouched parts keep their comments, quoting and flow style,
// only what differs is rewritten; a new file gets the kinds' key order (order-definition-keys.ts),
// short lists and maps in flow style (`roles: [admin, kam]`) and a blank line between sections.
// Whatever the route, the text must parse back to exactly the content, or nothing is written:
// a start with the exported files must find nothing changed.
import { Document, isMap, isScalar, isSeq, parseDocument, visit, type Node, type Pair, YAMLMap, YAMLSeq, Scalar } from 'yaml';
import { canonicalJson } from '../support/canonical-json.ts';
import { parseDefinitionText } from '../registry/load-definition-files.ts';
import { orderDefinitionKeys } from '../registry/order-definition-keys.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalarValue = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const TO_STRING = { lineWidth: 0 } as const;
const CREATE = { aliasDuplicateObjects: false } as const;
/** A list or map of scalars at most this long on one line is written in flow style. */
const FLOW_WIDTH = 72;

/**
 * The text of `file` (YAML, or JSON for a `.json` file) holding `content`. `previous` is the
 * file's text now, if it exists: its layout is kept wherever the content lets it.
 */
export function definitionFileText(file: string, content: unknown, previous?: string): string {
  const json = file.endsWith('.json');
  const before = previous === undefined ? undefined : parseDefinitionText(file, previous);
  const authored = before && !('problem' in before) ? before.content : undefined;
  const value = orderDefinitionKeys(content, authored);
  const candidates = [
    ...(!json && previous !== undefined && authored !== undefined ? [() => updatedYaml(previous, value)] : []),
    () => (json ? `${JSON.stringify(value, null, 2)}\n` : freshYaml(value)),
  ];
  for (const candidate of candidates) {
    const text = candidate();
    if (text !== undefined && readsAs(file, text, content)) return text;
  }
  throw new Error(`${file}: the definition cannot be written so that it reads back the same`);
}

function readsAs(file: string, text: string, content: unknown): boolean {
  const parsed = parseDefinitionText(file, text);
  return !('problem' in parsed) && canonicalJson(parsed.content) === canonicalJson(content);
}

function freshYaml(value: unknown): string {
  const doc = new Document(value, CREATE);
  styleNew(doc.contents);
  if (isMap(doc.contents)) spaceSections(doc.contents.items.slice(1));
  return render(doc);
}

/** A blank line before each top-level section that spans lines, as the authored files read. */
function spaceSections(pairs: readonly Pair[]) {
  for (const pair of pairs) {
    const v = pair.value;
    if ((isMap(v) || isSeq(v)) && !v.flow && isScalar(pair.key)) pair.key.spaceBefore = true;
  }
}

function updatedYaml(previous: string, value: unknown): string | undefined {
  const doc = parseDocument(previous, { uniqueKeys: true });
  if (doc.errors.length) return undefined;
  const created = new Set<Pair>();
  doc.contents = sync(doc, doc.contents, value, created) as typeof doc.contents;
  if (isMap(doc.contents)) spaceSections(doc.contents.items.filter((p) => created.has(p as Pair)) as Pair[]);
  return render(doc);
}

/**
 * The authored files write flow lists tight and flow maps padded (`roles: [admin, kam]`,
 * `on_hold: { label: On Hold }`); the yaml library pads both or neither, so lists are told apart.
 */
function render(doc: Document): string {
  const padded = (collection: YAMLMap | YAMLSeq, padding: string) => {
    const toString = collection.toString.bind(collection) as (...args: unknown[]) => string;
    collection.toString = ((ctx?: object, ...rest: unknown[]) => toString(ctx && collection.flow ? { ...ctx, flowCollectionPadding: padding } : ctx, ...rest)) as typeof collection.toString;
  };
  // Each collection says its own padding: what is inside it inherits the outer one's otherwise.
  visit(doc, {
    Seq: (_, seq) => padded(seq, ''),
    Map: (_, map) => padded(map, ' '),
  });
  return doc.toString(TO_STRING);
}

/** `node` (part of the existing document) made to hold `value`, keeping what already does; the pairs it adds go to `created`. */
function sync(doc: Document, node: unknown, value: unknown, created: Set<Pair>): Node {
  if (isObject(value) && isMap(node)) {
    const kept = new Map<string, Pair>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !(key in value) || kept.has(key)) continue;
      pair.value = sync(doc, pair.value, value[key], created);
      kept.set(key, pair as Pair);
    }
    // `value` lists the keys the file had first (orderDefinitionKeys took its order), new ones after.
    node.items = Object.keys(value).map((key) => {
      const pair = kept.get(key) ?? doc.createPair(key, styleNew(doc.createNode(value[key], CREATE)));
      if (!kept.has(key)) created.add(pair);
      return pair;
    });
    return node;
  }
  if (Array.isArray(value) && isSeq(node)) {
    node.items = value.map((v, i) => (i < node.items.length ? sync(doc, node.items[i], v, created) : styleNew(doc.createNode(v, CREATE))));
    return node;
  }
  if (isScalarValue(value) && isScalar(node) && typeof node.value === typeof value) {
    if (node.value !== value) node.value = value;
    return node;
  }
  // A different shape: a new node, where the old one's comments stay.
  const replacement = styleNew(doc.createNode(value, CREATE));
  if (node && typeof node === 'object' && 'commentBefore' in node) {
    const old = node as Node;
    replacement.commentBefore = old.commentBefore;
    replacement.comment = old.comment;
    replacement.spaceBefore = old.spaceBefore;
  }
  return replacement;
}

/** Short lists and maps of scalars on one line, as engineers write them. */
function styleNew<N>(node: N): N {
  if (node instanceof YAMLMap || node instanceof YAMLSeq) {
    const items = (node.items as unknown[]).map((item) => (node instanceof YAMLMap ? [(item as Pair).key, (item as Pair).value] : [item]));
    const scalars = items.every((parts) => parts.every((p) => p instanceof Scalar && isScalarValue(p.value) && !String(p.value).includes('\n')));
    const width = items.reduce((n, parts) => n + parts.reduce((m: number, p) => m + String((p as Scalar).value).length + 2, 0), 0);
    if (scalars && items.length > 0 && width <= FLOW_WIDTH) node.flow = true;
    for (const parts of items) for (const p of parts) styleNew(p);
  }
  return node;
}
