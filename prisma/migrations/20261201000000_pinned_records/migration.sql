-- AlterTable
ALTER TABLE "records" ADD COLUMN "release" INTEGER;

-- CreateIndex
CREATE INDEX "records_app_entity_release_idx" ON "records"("app", "entity", "release");
