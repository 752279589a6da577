-- What a retry learnt when a provider verified the document but the move could not be finished
-- then (a limit, a lost race): the next pass finishes it with these facts instead of asking (and
-- paying) the vendor again. Null: not verified yet.
ALTER TABLE "pending_verifications" ADD COLUMN "verified_facts" JSONB;
