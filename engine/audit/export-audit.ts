// The daily audit export (PromoPartner §4.9): each app's entries of one UTC day, with their chain
// hashes, as JSON lines in the app's blob store under audit/<app>/YYYY/MM/DD.jsonl. Exporting a
// day again writes the same file: the job can run twice, or be re-run for a past day.
import type { AppProviders } from '../providers/app-providers.ts';
import type { CompiledApp, Registry } from '../registry/compiled-app.ts';
import type { Database } from '../store/database.ts';

export interface ExportedDay {
  app: string;
  key: string;
  entries: number;
  sha256: string;
}

export function dayKey(app: string, day: Date): string {
  const iso = day.toISOString().slice(0, 10);
  return `audit/${app}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}.jsonl`;
}

export function createAuditExport(db: Database, registry: () => Registry, providers: (app: CompiledApp) => AppProviders) {
  return {
    /** Exports the UTC day that contains `day` for every app. */
    async exportDay(day: Date): Promise<ExportedDay[]> {
      const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
      const end = new Date(start.getTime() + 86_400_000);
      const out: ExportedDay[] = [];
      for (const app of registry().apps.values()) {
        const rows = await db.auditEntry.findMany({ where: { app: app.id, at: { gte: start, lt: end } }, orderBy: { id: 'asc' } });
        const lines = rows.map((r) =>
          JSON.stringify({
            id: r.id.toString(),
            entity: r.entity,
            recordId: r.recordId,
            action: r.action,
            outcome: r.outcome,
            actorId: r.actorId,
            role: r.role,
            before: r.before,
            after: r.after,
            detail: r.detail,
            at: r.at.toISOString(),
            prevHash: r.prevHash,
            hash: r.hash,
            hashAlg: r.hashAlg,
          }),
        );
        const key = dayKey(app.id, start);
        const stat = await providers(app).blob.write(key, Buffer.from(lines.length ? `${lines.join('\n')}\n` : ''), { contentType: 'application/x-ndjson' });
        out.push({ app: app.id, key, entries: rows.length, sha256: stat.sha256 });
      }
      return out;
    },
  };
}
