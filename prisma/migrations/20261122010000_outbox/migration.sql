-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "record_id" UUID,
    "template" TEXT,
    "recipient" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 8,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "provider" TEXT,
    "provider_message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_messages_idempotency_key_key" ON "outbox_messages"("idempotency_key");

-- CreateIndex
CREATE INDEX "outbox_messages_status_next_attempt_at_idx" ON "outbox_messages"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "outbox_messages_app_status_created_at_idx" ON "outbox_messages"("app", "status", "created_at");

-- Agenda keeps its own tables (created and upgraded by @agendajs/postgres-backend on connect) in
-- a schema of its own, so that the public schema stays exactly what schema.prisma describes.
CREATE SCHEMA IF NOT EXISTS "agenda";
