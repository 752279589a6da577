-- AlterTable
ALTER TABLE "audit_entries" ADD COLUMN "prev_hash" TEXT,
ADD COLUMN "hash" TEXT;

-- DropIndex
DROP INDEX "audit_entries_app_record_id_idx";

-- CreateIndex
CREATE INDEX "audit_entries_app_record_id_id_idx" ON "audit_entries"("app", "record_id", "id");

-- The text an entry's hash covers. jsonb's text form is canonical and the time is epoch
-- milliseconds (independent of the session time zone, and far cheaper than to_char), so the same
-- stored entry always hashes the same (npm run audit:verify).
CREATE FUNCTION audit_entry_digest(e audit_entries) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|',
    coalesce(e.prev_hash, ''), e.app, coalesce(e.entity, ''), coalesce(e.record_id::text, ''),
    e.action, e.outcome, coalesce(e.actor_id, ''), coalesce(e.role, ''),
    coalesce(e.before::text, ''), coalesce(e.after::text, ''), coalesce(e.detail::text, ''),
    (extract(epoch from e.at) * 1000)::bigint::text), 'UTF8')), 'hex')
$$;

-- One chain per record (per app for entries about no record): writers of different records never
-- wait for each other; writers of one record take its chain lock for the rest of the transaction.
-- The digest is written out here rather than calling audit_entry_digest(NEW): the SQL function
-- costs twice as much per insert from a trigger. The audit test verifies fresh chains with
-- audit_entry_digest, so the two cannot drift apart unnoticed.
CREATE FUNCTION audit_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || NEW.app || ':' || coalesce(NEW.record_id::text, ''), 0));
  -- The id is drawn under the chain lock (held to commit), so within a chain id order is chain order.
  NEW.id := nextval('audit_entries_id_seq');
  -- Two branches rather than IS NOT DISTINCT FROM, which no index can serve.
  IF NEW.record_id IS NULL THEN
    SELECT hash INTO NEW.prev_hash FROM audit_entries WHERE app = NEW.app AND record_id IS NULL ORDER BY id DESC LIMIT 1;
  ELSE
    SELECT hash INTO NEW.prev_hash FROM audit_entries WHERE app = NEW.app AND record_id = NEW.record_id ORDER BY id DESC LIMIT 1;
  END IF;
  NEW.hash := encode(sha256(convert_to(concat_ws('|',
    coalesce(NEW.prev_hash, ''), NEW.app, coalesce(NEW.entity, ''), coalesce(NEW.record_id::text, ''),
    NEW.action, NEW.outcome, coalesce(NEW.actor_id, ''), coalesce(NEW.role, ''),
    coalesce(NEW.before::text, ''), coalesce(NEW.after::text, ''), coalesce(NEW.detail::text, ''),
    (extract(epoch from NEW.at) * 1000)::bigint::text), 'UTF8')), 'hex');
  RETURN NEW;
END $$;

CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entries is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_entries_chain BEFORE INSERT ON "audit_entries" FOR EACH ROW EXECUTE FUNCTION audit_entries_chain();
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON "audit_entries" FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON "audit_entries" FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
