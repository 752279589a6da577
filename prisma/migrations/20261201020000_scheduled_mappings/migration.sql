-- AlterTable
ALTER TABLE "change_sets" ADD COLUMN "schedule_mappings" JSONB;
