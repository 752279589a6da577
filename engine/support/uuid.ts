/** A UUID as this server issues them (record ids, OTP ids, request ids): checked before any lookup. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
