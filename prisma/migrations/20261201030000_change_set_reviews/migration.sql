-- CreateTable
CREATE TABLE "change_set_reviews" (
    "id" UUID NOT NULL,
    "change_set" UUID NOT NULL,
    "actor_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "change_set_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "change_set_reviews_change_set_at_idx" ON "change_set_reviews"("change_set", "at");
