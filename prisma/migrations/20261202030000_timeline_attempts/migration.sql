-- Refused attempts in a record's timeline (an entity's `timeline: { refused: true }`): the outcome,
-- the catalog error code and message, and the names of the fields it asked to change.
ALTER TABLE "timeline_entries" ADD COLUMN "outcome" TEXT NOT NULL DEFAULT 'accepted';
ALTER TABLE "timeline_entries" ADD COLUMN "error_code" TEXT;
ALTER TABLE "timeline_entries" ADD COLUMN "error_message" TEXT;
ALTER TABLE "timeline_entries" ADD COLUMN "fields" TEXT[];
