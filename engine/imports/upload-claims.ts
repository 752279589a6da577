// Which signed upload URLs have been used. The primary key decides: of several PUTs to one URL
// arriving together, exactly one inserts the row; checking for the blob first and then writing it
// let every one of them through.
import type pg from 'pg';

export function createUploadClaims(sql: pg.Pool) {
  return {
    /** True for exactly one caller per URL, until that caller releases it. */
    async claim(app: string, blobName: string, now: Date): Promise<boolean> {
      const { rowCount } = await sql.query("INSERT INTO upload_claims (app, blob_name, status, claimed_at) VALUES ($1, $2, 'uploading', $3) ON CONFLICT DO NOTHING", [app, blobName, now]);
      return rowCount === 1;
    },
    /** The file is in place: the URL is spent for good. */
    async complete(app: string, blobName: string): Promise<void> {
      await sql.query("UPDATE upload_claims SET status = 'uploaded' WHERE app = $1 AND blob_name = $2", [app, blobName]);
    },
    /** The upload did not arrive whole: the URL may be used again while it is valid. */
    async release(app: string, blobName: string): Promise<void> {
      await sql.query("DELETE FROM upload_claims WHERE app = $1 AND blob_name = $2 AND status = 'uploading'", [app, blobName]);
    },
  };
}

export type UploadClaims = ReturnType<typeof createUploadClaims>;
