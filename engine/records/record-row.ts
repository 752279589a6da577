/** A row of the records table as the engine handles it (Prisma's model, narrowed). */
export interface RecordRow {
  id: string;
  app: string;
  entity: string;
  state: string | null;
  version: number;
  data: Record<string, unknown>;
  /** The release whose workflow this record follows (a pinned workflow's record); null: the live one. */
  release: number | null;
  scopeTags: string[];
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}
