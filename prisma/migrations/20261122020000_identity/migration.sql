-- CreateTable
CREATE TABLE "otp_challenges" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "channels" TEXT[],
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "otp_challenges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "otp_failures" (
    "id" BIGSERIAL NOT NULL,
    "app" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "otp_failures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "otp_lockouts" (
    "app" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "locked_until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "otp_lockouts_pkey" PRIMARY KEY ("app","policy","subject")
);

-- CreateTable
CREATE TABLE "refresh_tokens" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record_fingerprints" (
    "id" BIGSERIAL NOT NULL,
    "app" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "record_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "record_fingerprints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "otp_challenges_app_policy_subject_created_at_idx" ON "otp_challenges"("app", "policy", "subject", "created_at");

-- CreateIndex
CREATE INDEX "otp_failures_app_policy_subject_at_idx" ON "otp_failures"("app", "policy", "subject", "at");

-- CreateIndex
CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens"("family_id");

-- CreateIndex
CREATE INDEX "record_fingerprints_app_entity_name_hash_created_at_idx" ON "record_fingerprints"("app", "entity", "name", "hash", "created_at");
