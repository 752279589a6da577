// A verifying move no provider could answer waits in its step's `pending` state instead of failing
// the applicant (verification-step.ts). Its document and input are kept here, and a job asks the
// providers again with backoff (30 s, doubling, at most 30 min apart): verified → the move is
// finished (the record goes where the move leads, its effects run, as the scheduler); mismatch or
// invalid → the record goes back to where the move started (or to the step's review after its
// last attempt), told why in the timeline; still no answer after MAX_TRIES (~2 h) → the step's
// review, else back. Rows are claimed under a lease (SKIP LOCKED), so two workers never finish one
// move twice, and a worker killed mid-retry leaves the row to the next pass. A verified answer whose
// move then fails (a limit, a lost race) is kept on the row: later passes finish the move with it
// and do not ask (nor pay) the vendor again.
import type { Prisma } from '../store/database.ts';
import { randomUUID } from 'node:crypto';
import type { EngineContext } from '../engine-context.ts';

export const MAX_TRIES = 10;
const FIRST_WAIT_MS = 30_000;
const LONGEST_WAIT_MS = 30 * 60_000;
/** How long a claimed row stays with its worker (a vendor call has its own timeout, ~10 s). */
const LEASE_MS = 2 * 60_000;
const BATCH = 20;

/** When try number `tries` + 1 is due. */
export const nextTryAt = (now: Date, tries: number) => new Date(now.getTime() + Math.min(FIRST_WAIT_MS * 2 ** (tries - 1), LONGEST_WAIT_MS));

export interface PendingVerification {
  id: string;
  app: string;
  entity: string;
  recordId: string;
  event: string;
  fromState: string;
  subject: Record<string, string>;
  input: Record<string, unknown>;
  tries: number;
  /** What a provider verified on an earlier pass whose move could not be finished then. */
  verifiedFacts: Record<string, unknown> | null;
}

/** Written in the transaction of the move into the pending state. */
export async function keepPending(tx: Prisma.TransactionClient, app: string, entity: string, recordId: string, p: { event: string; from: string; subject: Record<string, string>; input: Record<string, unknown> }, now: Date): Promise<void> {
  await tx.pendingVerification.create({
    data: { id: randomUUID(), app, entity, recordId, event: p.event, fromState: p.from, subject: p.subject, input: p.input as Prisma.InputJsonValue, tries: 1, nextAt: nextTryAt(now, 1), createdAt: now },
  });
}

/**
 * `finish`: asks again and finishes the move ('finished'), or says to try later ('again'); `giveUp`
 * after the last try. `verified` keeps a provider's verified answer on the row before the move is
 * tried, so a move that then fails is finished on a later pass without asking the vendor again.
 */
export type FinishPending = (p: PendingVerification, giveUp: boolean, verified: (facts: Readonly<Record<string, unknown>>) => Promise<void>) => Promise<'finished' | 'again'>;

export function createPendingVerifications(ctx: EngineContext, finish: FinishPending) {
  return {
    /** One pass of the job: every due row, claimed under a lease. */
    async retryDue(): Promise<{ tried: number; finished: number }> {
      const now = ctx.clock();
      const { rows } = await ctx.db.sql.query<{ id: string; app: string; entity: string; record_id: string; event: string; from_state: string; subject: Record<string, string>; input: Record<string, unknown>; tries: number; verified_facts: Record<string, unknown> | null }>(
        `UPDATE pending_verifications SET next_at = $2
          WHERE id IN (SELECT id FROM pending_verifications WHERE next_at <= $1 ORDER BY next_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
          RETURNING id, app, entity, record_id, event, from_state, subject, input, tries, verified_facts`,
        [now, new Date(now.getTime() + LEASE_MS)],
      );
      let finished = 0;
      for (const r of rows) {
        const p: PendingVerification = { id: r.id, app: r.app, entity: r.entity, recordId: r.record_id, event: r.event, fromState: r.from_state, subject: r.subject, input: r.input, tries: r.tries, verifiedFacts: r.verified_facts };
        const verified = async (facts: Readonly<Record<string, unknown>>) => void (await ctx.db.sql.query('UPDATE pending_verifications SET verified_facts = $2::jsonb WHERE id = $1', [p.id, JSON.stringify(facts)]));
        let result: 'finished' | 'again';
        try {
          result = await finish(p, p.tries >= MAX_TRIES, verified);
        } catch (err) {
          // The move could not be finished now (a limit, a lost race): the next pass tries again.
          ctx.logger.warn({ err, app: p.app, record: p.recordId, event: p.event }, 'a pending verification could not be finished; it is tried again');
          result = 'again';
        }
        if (result === 'finished') {
          await ctx.db.sql.query('DELETE FROM pending_verifications WHERE id = $1', [p.id]);
          finished++;
        } else {
          await ctx.db.sql.query('UPDATE pending_verifications SET tries = tries + 1, next_at = $2 WHERE id = $1', [p.id, nextTryAt(ctx.clock(), p.tries + 1)]);
        }
      }
      return { tried: rows.length, finished };
    },
  };
}
