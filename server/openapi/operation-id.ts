// Stable, readable operation ids from the path and the operation: a seed alias POST
// /promopartner/v1/transactions is promopartner_transactions_create; its generic twin
// POST /v1/apps/promopartner/records/transaction is promopartner_generic_records_transaction_create.
import type { Operation } from '../../engine/index.ts';

const words = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

/** Static segments of a path, without version prefixes (v1) or "api", as words. */
const pathWords = (path: string) =>
  path
    .split('/')
    .filter((s) => s && !s.startsWith('{') && !/^v\d+$/.test(s) && s !== 'api')
    .flatMap(words);

export function operationId(appId: string, relativePath: string, operation: Operation, event: string | undefined, generic: boolean): string {
  const verb = words(operation === 'records.event' && event ? event : operation.split('.')[1]!);
  const base = [...words(appId), ...(generic ? ['generic'] : []), ...pathWords(relativePath)];
  // "/auth/login" + login is auth_login, not auth_login_login.
  const ends = verb.every((w, i) => base[base.length - verb.length + i] === w);
  return [...base, ...(ends ? [] : verb)].join('_');
}
