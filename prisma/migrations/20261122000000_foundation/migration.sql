-- CreateTable
CREATE TABLE "definitions" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'published',
    "authored" JSONB NOT NULL,
    "compiled" JSONB,
    "checksum" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,

    CONSTRAINT "definitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "records" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "state" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "data" JSONB NOT NULL,
    "scope_tags" TEXT[],
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record_keys" (
    "app" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "key_name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "record_id" UUID NOT NULL,

    CONSTRAINT "record_keys_pkey" PRIMARY KEY ("app","entity","key_name","value")
);

-- CreateTable
CREATE TABLE "timeline_entries" (
    "id" BIGSERIAL NOT NULL,
    "record_id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT NOT NULL,
    "actor_id" TEXT,
    "role" TEXT,
    "override" BOOLEAN NOT NULL DEFAULT false,
    "remarks" TEXT,
    "input" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "timeline_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "app" TEXT NOT NULL,
    "entity" TEXT,
    "record_id" UUID,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'accepted',
    "actor_id" TEXT,
    "role" TEXT,
    "before" JSONB,
    "after" JSONB,
    "detail" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "password_hash" TEXT,
    "role" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "display_name" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "definitions_app_status_idx" ON "definitions"("app", "status");

-- CreateIndex
CREATE UNIQUE INDEX "definitions_app_kind_name_version_key" ON "definitions"("app", "kind", "name", "version");

-- CreateIndex
CREATE INDEX "records_app_entity_created_at_idx" ON "records"("app", "entity", "created_at");

-- CreateIndex
CREATE INDEX "records_scope_tags_idx" ON "records" USING GIN ("scope_tags");

-- CreateIndex
CREATE INDEX "record_keys_record_id_idx" ON "record_keys"("record_id");

-- CreateIndex
CREATE INDEX "timeline_entries_record_id_id_idx" ON "timeline_entries"("record_id", "id");

-- CreateIndex
CREATE INDEX "audit_entries_app_record_id_idx" ON "audit_entries"("app", "record_id");

-- CreateIndex
CREATE INDEX "audit_entries_app_at_idx" ON "audit_entries"("app", "at");

-- CreateIndex
CREATE UNIQUE INDEX "users_app_email_key" ON "users"("app", "email");

-- CreateIndex
CREATE UNIQUE INDEX "users_app_phone_key" ON "users"("app", "phone");

-- AddForeignKey
ALTER TABLE "record_keys" ADD CONSTRAINT "record_keys_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "records"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "timeline_entries" ADD CONSTRAINT "timeline_entries_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "records"("id") ON DELETE CASCADE ON UPDATE CASCADE;
