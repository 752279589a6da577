-- CreateTable
CREATE TABLE "compiled_rules" (
    "app" TEXT NOT NULL,
    "ruleset" TEXT NOT NULL,
    "record_id" UUID NOT NULL,
    "record_version" INTEGER NOT NULL,
    "compiled" JSONB NOT NULL,
    "compiled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "compiled_rules_pkey" PRIMARY KEY ("app","ruleset","record_id")
);

-- CreateTable
CREATE TABLE "import_jobs" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "import" TEXT NOT NULL,
    "blob_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "total_rows" INTEGER,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "rows_applied" INTEGER NOT NULL DEFAULT 0,
    "rows_failed" INTEGER NOT NULL DEFAULT 0,
    "error_report" TEXT,
    "message" TEXT,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "import_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "import_jobs_app_created_at_idx" ON "import_jobs"("app", "created_at");
