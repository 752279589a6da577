/** A time as people read it, in their locale. */
export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
