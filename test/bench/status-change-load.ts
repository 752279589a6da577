// The status-change route under load: a CP's leads moved in_discussion <-> on_hold, one lead per
// connection so that connections never wait on each other's row lock (no lock waits, no 422).
import type autocannon from 'autocannon';
import { json, run } from './bench-server.ts';

export async function statusChangeLoad(base: string, connections: number, firstPhone = 9600000000) {
  const login = await json(`${base}/solarium/auth/login`, 'POST', { email: 'cp1@solarium.test', password: 'demo1234' });
  const token = login.accessToken as string;
  const leads: string[] = [];
  for (let i = 0; i < connections; i++) {
    const lead = await json(`${base}/solarium/leads`, 'POST', { name: `Bench ${i}`, phone: String(firstPhone + i), city: 'Pune' }, token);
    await json(`${base}/solarium/leads/${lead.id}/status`, 'PATCH', { newStatus: 'in_discussion' }, token);
    leads.push(lead.id as string);
  }
  // autocannon resets a connection's context after each pass over `requests`, so a pass borrows a
  // free lead for its two moves and gives it back: no two connections ever race on one lead.
  const free = [...leads];
  const status = new Map(leads.map((id) => [id, 'in_discussion']));
  const move = (last: boolean): autocannon.Request => ({
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    setupRequest: (req: autocannon.Request, context: object) => {
      const c = context as { leadId?: string };
      c.leadId ??= free.pop();
      const target = status.get(c.leadId!) === 'on_hold' ? 'in_discussion' : 'on_hold';
      return { ...req, path: `/solarium/leads/${c.leadId}/status`, body: JSON.stringify({ newStatus: target, remarks: 'benchmark' }) };
    },
    onResponse: (code: number, resBody: string, context: object) => {
      const c = context as { leadId?: string };
      if (code === 200) status.set(c.leadId!, (JSON.parse(resBody) as { data: { status: string } }).data.status);
      if (last) free.push(c.leadId!);
    },
  });
  return {
    /** One run of `duration` seconds; before it every lead is free again, with the state the server has for it. */
    async run(duration: number): Promise<autocannon.Result> {
      free.splice(0, free.length, ...leads);
      for (const id of leads) {
        const res = await fetch(`${base}/solarium/leads/${id}`, { headers: { authorization: `Bearer ${token}` } });
        status.set(id, ((await res.json()) as { data: { status: string } }).data.status);
      }
      return run({ url: base, connections, duration, requests: [move(false), move(true)] });
    },
  };
}
