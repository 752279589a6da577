-- The record version from which a verification step's failed attempts count (its "visit" of the
-- step): the version it was asked at, unless the record only went through the step's own pending
-- state since — a vendor outage must not give the applicant a fresh count. Null (rows from before
-- this column): their own record version.
ALTER TABLE "verifications" ADD COLUMN "counted_since" INTEGER;
