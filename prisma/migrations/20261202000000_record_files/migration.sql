-- Files on records: a file (one document in an entity's attachment slot) and its versions. Every
-- version stays in blob storage; the file row points at the newest.

-- CreateTable
CREATE TABLE "record_files" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "record_id" UUID NOT NULL,
    "slot" TEXT NOT NULL,
    "label" TEXT,
    "status" TEXT,
    "removed" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL,
    "blob_key" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "uploaded_by" TEXT,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_by" TEXT,
    "reviewed_at" TIMESTAMPTZ(3),
    "review_note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "record_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record_file_versions" (
    "file_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "blob_key" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "uploaded_by" TEXT,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "record_file_versions_pkey" PRIMARY KEY ("file_id","version")
);

-- CreateIndex
CREATE INDEX "record_files_record_id_slot_idx" ON "record_files"("record_id", "slot");

-- AddForeignKey
ALTER TABLE "record_files" ADD CONSTRAINT "record_files_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "records"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "record_file_versions" ADD CONSTRAINT "record_file_versions_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "record_files"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A file's upload, review or removal is in its record's timeline, which need not have a state.
ALTER TABLE "timeline_entries" ALTER COLUMN "to_state" DROP NOT NULL;
