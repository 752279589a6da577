-- CreateTable
CREATE TABLE "change_set_approvals" (
    "change_set" UUID NOT NULL,
    "actor_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "change_set_approvals_pkey" PRIMARY KEY ("change_set","actor_id","content_hash")
);
