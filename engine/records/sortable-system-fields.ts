/** Columns every record has besides its declared fields, which lists can also be sorted by. */
export const SORTABLE_SYSTEM_FIELDS = ['createdAt', 'updatedAt'] as const;
