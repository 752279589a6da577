// npm run bench:uploads: record files through the API (multipart, sniffed, size-checked, hashed,
// streamed into the fs blob store) — the throughput of 10 MB files against the baseline of the
// same bytes PUT raw to a signed upload URL (no multipart, no sniffing) in the same run, and the
// server's peak RSS during 20 parallel uploads of 1 MB and of 10 MB files (streaming: it must not
// grow with the file size).
import { json, startServer } from './bench-server.ts';

const MB = 1024 * 1024;
const ROUNDS = Number(process.env.UPLOAD_ROUNDS ?? 10);
const server = await startServer();
const pdf = (bytes: number) => {
  const b = Buffer.alloc(bytes, 0x41);
  b.write('%PDF-1.7\n', 0, 'latin1');
  return b;
};
try {
  const token = (await json(`${server.base}/solarium/auth/login`, 'POST', { email: 'cp1@solarium.test', password: 'demo1234' })).accessToken as string;
  const headers = { authorization: `Bearer ${token}` };
  let phone = 7100000000;
  const newLead = async () => (await json(`${server.base}/solarium/leads`, 'POST', { name: 'Bench', phone: String(phone++), city: 'Pune' }, token)).id as string;
  const multipart = async (leadId: string, body: Buffer) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(body)]), 'bench.pdf');
    const res = await fetch(`${server.base}/solarium/leads/${leadId}/docs`, { method: 'POST', headers, body: form });
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  };
  const raw = async (leadId: string, body: Buffer) => {
    const target = (await json(`${server.base}/v1/apps/solarium/records/lead/${leadId}/files/docs/upload-url`, 'POST', { fileName: 'bench.pdf' }, token)) as { uploadUrl: string };
    const res = await fetch(target.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
    if (res.status !== 201) throw new Error(`PUT answered ${res.status}: ${await res.text()}`);
  };
  const timed = async (what: (leadId: string, body: Buffer) => Promise<void>, body: Buffer) => {
    const leads = await Promise.all(Array.from({ length: ROUNDS }, newLead));
    await what(leads[0]!, body); // warm-up, not counted
    const started = performance.now();
    for (const lead of leads.slice(1)) await what(lead, body);
    return ((ROUNDS - 1) * body.length) / MB / ((performance.now() - started) / 1000);
  };
  const ten = pdf(10 * MB);
  const viaApi = await timed(multipart, ten);
  const viaPut = await timed(raw, ten);
  console.log(`\nuploads benchmark: ${ROUNDS - 1} files of 10 MB, one after another`);
  console.log(`POST /solarium/leads/{id}/docs (multipart, sniffed, hashed)  ${viaApi.toFixed(1).padStart(6)} MB/s`);
  console.log(`baseline: PUT to a signed upload URL (raw)                   ${viaPut.toFixed(1).padStart(6)} MB/s`);
  console.log(`multipart / raw: ${(viaApi / viaPut).toFixed(2)}x the throughput`);

  for (const size of [1, 10]) {
    const body = pdf(size * MB);
    const leads = await Promise.all(Array.from({ length: 20 }, newLead));
    const before = server.rssMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, server.rssMb())), 5);
    const started = performance.now();
    await Promise.all(leads.map((lead) => multipart(lead, body)));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    console.log(`20 parallel uploads of ${String(size).padStart(2)} MB: ${seconds.toFixed(1)} s (${((20 * size) / seconds).toFixed(1)} MB/s), server RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)} MB for ${20 * size} MB in flight)`);
  }
} finally {
  await server.stop();
}
