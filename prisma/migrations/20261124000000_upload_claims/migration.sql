-- CreateTable
CREATE TABLE "upload_claims" (
    "app" TEXT NOT NULL,
    "blob_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "upload_claims_pkey" PRIMARY KEY ("app","blob_name")
);
