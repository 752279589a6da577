-- CreateTable
CREATE TABLE "releases" (
    "app" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "comment" TEXT,
    "entries" JSONB NOT NULL,
    "checksum" TEXT NOT NULL,
    "imported" JSONB,
    "change_set" UUID,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "releases_pkey" PRIMARY KEY ("app","number")
);

-- CreateTable
CREATE TABLE "change_sets" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "base_release" INTEGER NOT NULL,
    "release" INTEGER,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "change_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_set_items" (
    "change_set" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "authored" JSONB,
    "checksum" TEXT,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "change_set_items_pkey" PRIMARY KEY ("change_set","kind","name")
);

-- CreateIndex
CREATE INDEX "change_sets_app_status_idx" ON "change_sets"("app", "status");
