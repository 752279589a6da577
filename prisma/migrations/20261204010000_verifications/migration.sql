-- Every call of a move's verification step (issue 13): which provider answered, when, what it
-- said, about which (masked) document. Append-only evidence: the application role may insert
-- and read, never change or remove (database-roles.ts); each row is also in the audit chain.
CREATE TABLE "verifications" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "record_id" UUID NOT NULL,
    "record_version" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "check" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "provider" TEXT,
    "subject" JSONB NOT NULL,
    "facts" JSONB NOT NULL DEFAULT '{}',
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "actor_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "verifications_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "verifications_app_record_id_event_at_idx" ON "verifications"("app", "record_id", "event", "at");
