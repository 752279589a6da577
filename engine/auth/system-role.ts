/** The scheduler's role: definitions may let it fire events (jobs); no user can hold it. */
export const SYSTEM_ROLE = 'system';
