-- AlterTable
ALTER TABLE "change_sets" ADD COLUMN "publish_at" TIMESTAMPTZ(3),
ADD COLUMN "scheduled_by" TEXT,
ADD COLUMN "scheduled_role" TEXT,
ADD COLUMN "schedule_comment" TEXT,
ADD COLUMN "schedule_error" TEXT;

-- CreateIndex
CREATE INDEX "change_sets_status_publish_at_idx" ON "change_sets"("status", "publish_at");
