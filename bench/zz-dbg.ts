import { embeddedTarget } from './targets';
import { closedLoop } from './http-load';
const t = await embeddedTarget('1GiB');
let i = 0;
const mk = async () => { const res = await fetch(`${t.baseUrl}/api/user/log/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid: 'u1', udid: 'd' + i++, subject: 's', message: 'm', email: 'a@b.co', category: 'c' }) }); return (await res.json() as any).data; };
const s = await closedLoop(4, 1, async () => !!(await mk()));
console.log('created', s.length);
const d = await mk();
for (let k = 0; k < 5; k++) {
  const r = await fetch(`${t.baseUrl}/api/admin/fetch/customer/support?pageSize=1`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body: JSON.stringify({ uuid: 'u1' }) });
  const r2 = await fetch(`${t.baseUrl}/api/admin/fetch/customer/support`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body: JSON.stringify({ ticketId: d.ticketId }) });
  console.log(k, r.headers.get('x-total-count'), ((await r2.json()) as any).data.length);
  await new Promise(r => setTimeout(r, 500));
}
await t.close();
