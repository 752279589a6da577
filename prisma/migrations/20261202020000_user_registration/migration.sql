-- Users have a state: pending (self-registered, awaiting approval) -> active | rejected;
-- active <-> deactivated. Only an active user signs in: "active" stays the one switch sign-in reads,
-- and the check keeps it equal to status = 'active'.
ALTER TABLE "users" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'active';
ALTER TABLE "users" ADD COLUMN "status_reason" TEXT;
UPDATE "users" SET "status" = 'deactivated' WHERE NOT "active";
ALTER TABLE "users" ADD CONSTRAINT "users_status_check"
  CHECK ("status" IN ('pending', 'active', 'rejected', 'deactivated') AND ("status" = 'active') = "active");

-- CreateIndex
CREATE INDEX "users_app_status_created_at_idx" ON "users"("app", "status", "created_at");
