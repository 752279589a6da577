import type { ErrorObject } from 'ajv';
import type { ErrorDetail } from '../errors/app-error.ts';

/** JSON pointer (/a/b/0) -> the dotted path used in every error detail ($.a.b[0]). */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '$';
  return (
    '$' +
    pointer
      .split('/')
      .slice(1)
      .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$-]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`))
      .join('')
  );
}

/** Turns ajv errors into one sentence per place, most specific first, without oneOf noise. */
export function ajvProblems(errors: ErrorObject[] | null | undefined): ErrorDetail[] {
  if (!errors) return [];
  const out = new Map<string, ErrorDetail>();
  const hasDeeper = (p: string) => errors.some((e) => e.instancePath.startsWith(p + '/') && e.keyword !== 'oneOf');
  for (const err of errors) {
    if ((err.keyword === 'oneOf' || err.keyword === 'if') && hasDeeper(err.instancePath)) continue;
    // "must match "then" schema" only repeats what the branch's own errors at this place say.
    if (err.keyword === 'if' && errors.some((e) => e !== err && e.keyword !== 'if' && e.instancePath === err.instancePath)) continue;
    let pointer = err.instancePath;
    let message: string;
    const p = err.params as Record<string, unknown>;
    switch (err.keyword) {
      case 'additionalProperties':
        pointer = `${pointer}/${String(p.additionalProperty)}`;
        message = `Unknown property "${String(p.additionalProperty)}" is not allowed`;
        break;
      case 'required':
        pointer = `${pointer}/${String(p.missingProperty)}`;
        message = `"${String(p.missingProperty)}" is required`;
        break;
      case 'enum':
        message = `Must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'const':
        message = `Must be ${JSON.stringify(p.allowedValue)}`;
        break;
      case 'type':
        message = `Must be of type ${String(p.type)}`;
        break;
      case 'format':
        message = `Must be a valid ${String(p.format)}`;
        break;
      case 'propertyNames':
        message = `Property name "${String(p.propertyName)}" is not allowed`;
        break;
      case 'oneOf':
        message = 'Does not match any allowed form';
        break;
      default:
        message = (err.message ?? 'Is not valid').replace(/^must/, 'Must');
    }
    const path = pointerToPath(pointer);
    if (!out.has(path + message)) out.set(path + message, { path, message });
  }
  // propertyNames failures come with an inner "pattern" error at the same path: keep the clearer one
  return [...out.values()].filter((d, _i, all) => !(d.message.startsWith('Must match pattern') && all.some((o) => o.path === d.path && o.message.startsWith('Property name'))));
}
