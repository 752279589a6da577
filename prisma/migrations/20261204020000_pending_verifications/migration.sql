-- A move whose verification no provider could answer waits in its step's pending state (issue 13);
-- this is what the retry job needs to ask again and finish the move: the document and the move's
-- input (removed once the move is finished either way), how often it was tried, when next.
CREATE TABLE "pending_verifications" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "record_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "from_state" TEXT NOT NULL,
    "subject" JSONB NOT NULL,
    "input" JSONB NOT NULL DEFAULT '{}',
    "tries" INTEGER NOT NULL DEFAULT 1,
    "next_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pending_verifications_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "pending_verifications_record_id_key" ON "pending_verifications"("record_id");
CREATE INDEX "pending_verifications_next_at_idx" ON "pending_verifications"("next_at");
