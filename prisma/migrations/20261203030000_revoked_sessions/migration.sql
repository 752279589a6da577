-- Access tokens revoked before they expire (issue 12): logout, a reused refresh token, a user's
-- sessions ended by an administrator. Rows are written in the transaction that ends the session and
-- read by every API process; `txid` (the writing transaction) lets a process read only the rows it
-- has not seen, without trusting timestamps to follow commit order.
CREATE TABLE "revoked_sessions" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "txid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint,

    CONSTRAINT "revoked_sessions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "revoked_sessions_txid_idx" ON "revoked_sessions"("txid");
