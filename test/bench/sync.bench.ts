// npm run bench:sync: a CP's sync bundle with 10,000 leads — time, bytes and the server's peak RSS
// while it streams — against the baseline of reading the same leads page by page (100 a page).
import { json, startServer } from './bench-server.ts';

const LEADS = Number(process.env.SYNC_LEADS ?? 10_000);
const server = await startServer();
try {
  const login = async (email: string) => (await json(`${server.base}/solarium/auth/login`, 'POST', { email, password: 'demo1234' })).accessToken as string;
  const admin = await login('admin@solarium.test');
  const cp = await login('cp1@solarium.test');
  const users = (await (await fetch(`${server.base}/v1/apps/solarium/users?role=cp`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { data: { id: string; email: string }[] };
  const cpId = users.data.find((u) => u.email === 'cp1@solarium.test')!.id;
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < LEADS) {
        const i = next++;
        await json(`${server.base}/solarium/leads`, 'POST', { name: `Lead ${i}`, phone: String(7000000000 + i), city: 'Pune', assignedCp: cpId }, admin);
      }
    }),
  );
  console.log(`\nsync benchmark: ${LEADS} leads of one CP created in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const headers = { authorization: `Bearer ${cp}` };
  const rssBefore = server.rssMb();
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rssMb())), 5);
  const syncStarted = performance.now();
  const res = await fetch(`${server.base}/solarium/sync`, { headers });
  const body = await res.arrayBuffer();
  const syncMs = performance.now() - syncStarted;
  clearInterval(sampler);
  const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as { data: { entities: { lead: unknown[] } } };
  if (parsed.data.entities.lead.length !== LEADS) throw new Error(`the bundle has ${parsed.data.entities.lead.length} leads, not ${LEADS}`);
  const etag = res.headers.get('etag')!;
  const notModifiedStarted = performance.now();
  const again = await fetch(`${server.base}/solarium/sync`, { headers: { ...headers, 'if-none-match': etag } });
  const notModifiedMs = performance.now() - notModifiedStarted;
  if (again.status !== 304) throw new Error(`If-None-Match answered ${again.status}`);

  // Baseline: the same leads read page by page, as a client without a bundle would.
  const pagedStarted = performance.now();
  let cursor: string | null = null;
  let paged = 0;
  do {
    const page = (await (await fetch(`${server.base}/v1/apps/solarium/records/lead?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers })).json()) as { data: { items: unknown[]; nextCursor: string | null } };
    paged += page.data.items.length;
    cursor = page.data.nextCursor;
  } while (cursor);
  const pagedMs = performance.now() - pagedStarted;

  console.log(`GET /solarium/sync           ${syncMs.toFixed(0).padStart(6)} ms   ${(body.byteLength / 1e6).toFixed(2)} MB   ${LEADS} leads`);
  console.log(`  with If-None-Match (304)   ${notModifiedMs.toFixed(0).padStart(6)} ms`);
  console.log(`baseline: ${paged} leads in pages of 100 ${pagedMs.toFixed(0).padStart(6)} ms`);
  console.log(`sync / paged: ${(syncMs / pagedMs).toFixed(2)}x the time`);
  console.log(`server RSS: ${rssBefore.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB while streaming (+${(peak - rssBefore).toFixed(0)} MB for a ${(body.byteLength / 1e6).toFixed(1)} MB answer)`);
} finally {
  await server.stop();
}
