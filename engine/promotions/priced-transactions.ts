// The records a ruleset prices (transactions) created in a time window, read in pages of a fixed
// size by keyset (createdAt, id) inside one read-only snapshot: a run reads a consistent set
// however long it takes and however many rows there are, never holding more than a page.
import type pg from 'pg';
import type { PricingRule } from '../registry/definition-types.ts';
import type { PricedLine } from './benefit.ts';
import type { PricedTransaction, TransactionKey } from './backtest-promotion.ts';

export interface TransactionWindow {
  app: string;
  pricing: PricingRule;
  /** createdAt >= from and < until. */
  from: Date;
  until: Date;
  /** Scope tags of a scoped reader (any one must match); undefined: every transaction. */
  scopeTags?: readonly string[];
  pageSize?: number;
}

interface Row {
  id: string;
  created_at: Date;
  store: unknown;
  promotion: string | null;
  items: unknown;
}

/** Stored lines as priced at creation; anything else (never written by the engine) is left out. */
function linesOf(items: unknown): PricedLine[] {
  if (!Array.isArray(items)) return [];
  const out: PricedLine[] = [];
  for (const i of items as Record<string, unknown>[]) {
    if (i && typeof i.sku === 'string' && typeof i.quantity === 'number' && typeof i.price === 'number') out.push({ sku: i.sku, quantity: i.quantity, price: i.price });
  }
  return out;
}

export async function* pricedTransactions(pool: pg.Pool, w: TransactionWindow): AsyncGenerator<PricedTransaction[]> {
  const size = w.pageSize ?? 1000;
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    let last: TransactionKey | undefined;
    for (;;) {
      const { rows } = await client.query<Row>(
        `SELECT id, created_at, data -> $3 AS store, data ->> $4 AS promotion, data -> $5 AS items
         FROM records
         WHERE app = $1 AND entity = $2 AND deleted_at IS NULL AND created_at >= $6 AND created_at < $7
           AND ($8::timestamptz IS NULL OR (created_at, id) > ($8::timestamptz, $9::uuid))
           AND ($10::text[] IS NULL OR scope_tags && $10::text[])
         ORDER BY created_at, id
         LIMIT $11`,
        [w.app, w.pricing.entity, w.pricing.storeField, w.pricing.promotionField, w.pricing.itemsField, w.from, w.until, last?.createdAt ?? null, last?.id ?? null, w.scopeTags ?? null, size],
      );
      if (rows.length) {
        yield rows.map((r) => ({ id: r.id, createdAt: r.created_at, storeId: typeof r.store === 'string' ? r.store : null, promotionId: r.promotion, lines: linesOf(r.items) }));
        const end = rows.at(-1)!;
        last = { createdAt: end.created_at, id: end.id };
      }
      if (rows.length < size) break;
    }
    await client.query('COMMIT');
    open = false;
  } finally {
    // A run abandoned half-way (an error, a consumer that stopped) ends its snapshot here.
    let broken = false;
    if (open) await client.query('ROLLBACK').catch(() => (broken = true));
    // A connection that could not roll back is not given back to the pool.
    client.release(broken);
  }
}
