-- CreateTable
CREATE TABLE "files_baselines" (
    "app" TEXT NOT NULL,
    "imported" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "files_baselines_pkey" PRIMARY KEY ("app")
);
