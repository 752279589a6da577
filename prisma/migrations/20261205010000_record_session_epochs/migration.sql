-- A record session (the eKYC journey token) names the epoch of its record's sessions; regaining a
-- session by a code (session.resume) moves the epoch on, which ends every token issued before it.
-- No row: epoch 0 (a record whose session was never resumed).
CREATE TABLE "record_session_epochs" (
    "record_id" UUID NOT NULL,
    "epoch" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "record_session_epochs_pkey" PRIMARY KEY ("record_id")
);
