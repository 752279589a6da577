-- Keyed audit chain (issue 12): from here on each entry's hash is an HMAC-SHA256 with the
-- application's audit key (AUDIT_KEY), which no table, function or setting of the database holds.
-- The application gives it to each of its own connections when the connection is first used, as a
-- session setting (rulepath.audit_key: the key's two HMAC pads, hex); a session without it cannot
-- append to the audit log at all. A DBA's session, a dump, a backup or a replica never sees it, so
-- an entry edited there cannot be given a matching hash again.

-- Entries written before this migration keep their plain SHA-256 and verify as before; the column
-- says which an entry carries. Added with the old algorithm as the value of the existing rows, then
-- defaulted to the keyed one (the trigger sets it whatever an INSERT says).
ALTER TABLE "audit_entries" ADD COLUMN "hash_alg" TEXT NOT NULL DEFAULT 'sha256';
ALTER TABLE "audit_entries" ALTER COLUMN "hash_alg" SET DEFAULT 'hmac-sha256';

-- The last entry hashed the old way. A plain entry above it is a downgrade (someone re-hashed a keyed
-- entry without the key) and audit:verify reports it; every signed checkpoint repeats this number,
-- so redefining the function is noticed too.
DO $$
BEGIN
  EXECUTE format('CREATE FUNCTION audit_legacy_last_id() RETURNS bigint LANGUAGE sql IMMUTABLE AS %L',
    format('SELECT %s::bigint', coalesce((SELECT max(id) FROM audit_entries), 0)));
END $$;

-- What a keyed entry's HMAC covers: a JSON array, so no field can borrow characters from its
-- neighbour (the plain digest's '|' separators could), with jsonb's canonical text and the time as
-- epoch milliseconds. audit:verify reads it and computes the HMAC in the application: the key never
-- travels to the database for a check.
CREATE FUNCTION audit_entry_text(e audit_entries) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array('rulepath-audit/2', e.id, e.prev_hash, e.app, e.entity, e.record_id, e.action, e.outcome,
    e.actor_id, e.role, e.before, e.after, e.detail, (extract(epoch from e.at) * 1000)::bigint)::text
$$;

-- The chain trigger as before (one chain per record, ids drawn under the chain lock), now sealing
-- with the session's key. The text is written out rather than calling audit_entry_text(NEW), as the
-- plain digest was (a SQL function call per insert costs twice as much); the audit test checks
-- fresh entries against audit_entry_text, so the two cannot drift apart unnoticed.
-- HMAC(K, m) = sha256((K ^ opad) || sha256((K ^ ipad) || m)) (RFC 2104): the application hands over
-- the two 64-byte pads, so no extension (pgcrypto) is needed and no XOR is done here.
CREATE OR REPLACE FUNCTION audit_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pads bytea := decode(nullif(current_setting('rulepath.audit_key', true), ''), 'hex');
BEGIN
  IF pads IS NULL OR length(pads) <> 128 THEN
    RAISE EXCEPTION 'audit entries are sealed with the application''s audit key, which this session was not given' USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || NEW.app || ':' || coalesce(NEW.record_id::text, ''), 0));
  NEW.id := nextval('audit_entries_id_seq');
  IF NEW.record_id IS NULL THEN
    SELECT hash INTO NEW.prev_hash FROM audit_entries WHERE app = NEW.app AND record_id IS NULL ORDER BY id DESC LIMIT 1;
  ELSE
    SELECT hash INTO NEW.prev_hash FROM audit_entries WHERE app = NEW.app AND record_id = NEW.record_id ORDER BY id DESC LIMIT 1;
  END IF;
  NEW.hash_alg := 'hmac-sha256';
  NEW.hash := encode(sha256(substring(pads FROM 65 FOR 64) || sha256(substring(pads FROM 1 FOR 64) || convert_to(jsonb_build_array(
    'rulepath-audit/2', NEW.id, NEW.prev_hash, NEW.app, NEW.entity, NEW.record_id, NEW.action, NEW.outcome,
    NEW.actor_id, NEW.role, NEW.before, NEW.after, NEW.detail, (extract(epoch from NEW.at) * 1000)::bigint)::text, 'UTF8'))), 'hex');
  RETURN NEW;
END $$;
