// A backtest, free of I/O: stored transactions are fed in order (createdAt, id), one at a time, and
// each is asked what the candidate promotion would have done to its cart at its store on its date
// — by the same evaluation and ranking as a live evaluation, against the promotions live now, as
// they would have answered on that date. Only running totals and one page of per-transaction
// results are kept, so memory does not grow with the number of transactions.
import type { PricedLine } from './benefit.ts';
import type { LiveRule } from './compiled-rule.ts';
import type { Facts } from '../conditions/compile-condition.ts';
import { candidateOffers, evaluateRule, rankOffers, type Offer } from './evaluate-promotions.ts';
import type { MaterializedGroups } from './materialized-groups.ts';
import type { PromotionIndex } from './promotion-index.ts';
import { cartFacts } from './ruleset-facts.ts';

/** A stored transaction as the backtest reads it: where, when, and its priced cart. */
export interface PricedTransaction {
  id: string;
  createdAt: Date;
  storeId: string | null;
  /** The promotion it was priced by. */
  promotionId: string | null;
  lines: PricedLine[];
}

/** Where a page starts: after this transaction in (createdAt, id) order. */
export interface TransactionKey {
  createdAt: Date;
  id: string;
}

export type MissReason = 'dates' | 'store' | 'conditions' | 'no-savings';

export interface BacktestItem {
  id: string;
  createdAt: string;
  date: string;
  storeId: string | null;
  promotionId: string | null;
  total: number;
  applies: boolean;
  reason: MissReason | null;
  savings: number;
  /** The live promotions that would have been offered (without the candidate), ranked. */
  offered: { promotionId: string; name: string; savings: number }[];
  /** The candidate's place among them (1 = first); null when an exclusive one hides it or it does not apply. */
  rank: number | null;
  best: boolean;
}

export interface BacktestSetup {
  candidate: LiveRule;
  index: PromotionIndex;
  stores: MaterializedGroups;
  products: MaterializedGroups;
  /** The facts of a store (its key and the attributes groups filter on). */
  storeFacts(storeKey: string): Record<string, unknown>;
  /** The first and last day of the window (UTC dates). */
  from: string;
  to: string;
  page: { after?: TransactionKey; limit: number };
}

const DAY_MS = 86_400_000;
const paise = (amount: number) => Math.round(amount * 100);
const count = (n: number) => n.toLocaleString('en-US');
const after = (a: TransactionKey, b: TransactionKey) => a.createdAt.getTime() > b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && a.id > b.id);

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export function createBacktest(setup: BacktestSetup) {
  const { candidate, index, stores, products } = setup;
  const c = candidate.json;
  const skip = c.id || undefined;
  // Group facts the candidate reads must read 0 when the cart has none of them, as for live ones.
  const zeroFor = [...new Set([...index.groupCodes, ...c.productGroups])];
  const groupsOf = (sku: string) => products.groupsOf.get(sku) ?? [];
  const candidateStores = stores.members.get(c.storeGroup);

  const perDay = new Map(daysBetween(setup.from, setup.to).map((d) => [d, { date: d, transactions: 0, matched: 0, discountPaise: 0 }]));
  const missed: Record<MissReason, number> = { dates: 0, store: 0, conditions: 0, 'no-savings': 0 };
  let seen = 0;
  let matched = 0;
  let grossPaise = 0;
  let discountPaise = 0;
  const ranks = { best: 0, outranked: 0, hidden: 0, alone: 0 };
  // For the carts the candidate would now win: which live promotion was first before.
  const displaced = new Map<string, { promotionId: string; name: string; transactions: number }>();
  const items: BacktestItem[] = [];
  let more = false;

  /** The candidate's outcome on one cart; facts are built only when dates and store allow it. */
  function judge(tx: PricedTransaction, date: string, storeKey: string | undefined): { reason: MissReason } | { offer: Offer; facts: ReturnType<typeof cartFacts> } {
    if (c.startDate > date || c.endDate < date) return { reason: 'dates' };
    if (!storeKey || !candidateStores?.has(storeKey)) return { reason: 'store' };
    const facts = cartFacts(tx.lines, setup.storeFacts(storeKey), undefined, groupsOf, zeroFor);
    const outcome = evaluateRule(candidate, facts as unknown as Facts, tx.lines, products, date);
    if (!outcome.applies) return { reason: outcome.reason === 'no-savings' ? 'no-savings' : 'conditions' };
    return { offer: outcome.offer, facts };
  }

  return {
    add(tx: PricedTransaction): void {
      const date = tx.createdAt.toISOString().slice(0, 10);
      const storeKey = tx.storeId === null ? undefined : stores.canonical.get(tx.storeId.toLowerCase());
      let total = 0;
      for (const l of tx.lines) total += paise(l.price) * l.quantity;
      seen++;
      const day = perDay.get(date) ?? perDay.set(date, { date, transactions: 0, matched: 0, discountPaise: 0 }).get(date)!;
      day.transactions++;

      const outcome = judge(tx, date, storeKey);
      let item: Omit<BacktestItem, 'id' | 'createdAt' | 'date' | 'storeId' | 'promotionId' | 'total'>;
      if ('reason' in outcome) {
        missed[outcome.reason]++;
        item = { applies: false, reason: outcome.reason, savings: 0, offered: [], rank: null, best: false };
      } else {
        const { offer, facts } = outcome;
        matched++;
        grossPaise += total;
        discountPaise += paise(offer.savings);
        day.matched++;
        day.discountPaise += paise(offer.savings);
        const live = candidateOffers(index, products, storeKey!, facts, tx.lines, date, skip);
        const before = rankOffers(live);
        const withCandidate = rankOffers([...live, offer]);
        const at = withCandidate.indexOf(offer);
        if (live.length === 0) ranks.alone++;
        if (at === 0) ranks.best++;
        else if (at > 0) ranks.outranked++;
        else ranks.hidden++;
        const previous = before[0];
        if (at === 0 && previous) {
          const d = displaced.get(previous.promotionId) ?? displaced.set(previous.promotionId, { promotionId: previous.promotionId, name: previous.name, transactions: 0 }).get(previous.promotionId)!;
          d.transactions++;
        }
        item = { applies: true, reason: null, savings: offer.savings, offered: before.map((o) => ({ promotionId: o.promotionId, name: o.name, savings: o.savings })), rank: at < 0 ? null : at + 1, best: at === 0 };
      }
      if (setup.page.after && !after(tx, setup.page.after)) return;
      if (items.length === setup.page.limit) {
        more = true;
        return;
      }
      items.push({ id: tx.id, createdAt: tx.createdAt.toISOString(), date, storeId: storeKey ?? tx.storeId, promotionId: tx.promotionId, total: total / 100, ...item });
    },

    result() {
      const last = items.at(-1);
      return {
        window: { from: setup.from, to: setup.to, days: perDay.size },
        totals: {
          transactions: seen,
          matched,
          gross: grossPaise / 100,
          discount: discountPaise / 100,
          notMatched: { dates: missed.dates, store: missed.store, conditions: missed.conditions, noSavings: missed['no-savings'] },
        },
        perDay: [...perDay.values()].sort((a, b) => a.date.localeCompare(b.date)).map((d) => ({ date: d.date, transactions: d.transactions, matched: d.matched, discount: d.discountPaise / 100 })),
        ranking: {
          matched,
          ...ranks,
          summary: `Would have been the best offer on ${count(ranks.best)} of ${count(matched)} transactions it applies to (${count(seen)} in the window)`,
          displaced: [...displaced.values()].sort((a, b) => b.transactions - a.transactions || a.name.localeCompare(b.name) || a.promotionId.localeCompare(b.promotionId)),
        },
        transactions: items,
        next: more && last ? { createdAt: new Date(last.createdAt), id: last.id } : null,
      };
    },
  };
}

export type BacktestResult = ReturnType<ReturnType<typeof createBacktest>['result']>;
