/**
 * The seed's flow through a client generated from the served OpenAPI document
 * (openapi-typescript → generated/api.d.ts, openapi-fetch): proves the document
 * is usable as published. Compiled with tsc (a wrong document is a type error
 * here) and run against `npm start` by run.sh:
 *   node seed-flow.js <base-url> <admin-token>
 * Upload an image → create a ticket naming it → upload a LOG → search by
 * ticketId → download the LOG and the image.
 */
import createClient from 'openapi-fetch';
import type { paths } from './generated/api.js';

const [baseUrl, adminToken] = process.argv.slice(2);
if (!baseUrl || !adminToken) throw new Error('usage: node seed-flow.js <base-url> <admin-token>');
const client = createClient<paths>({ baseUrl });
const admin = { Authorization: `Bearer ${adminToken}` };

// A 1×1 PNG: the upload routes check an image by its bytes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const LOG = 'app started\nsomething went wrong\n';

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`seed flow: ${what}`);
  console.log(`ok  ${what}`);
}

/** The multipart body the document describes: one file, in the part named "file". */
const multipart = (bytes: Uint8Array<ArrayBuffer>, type: string, name: string) => () => {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return form;
};

const image = await client.POST('/api/common/upload/file', {
  params: { query: { bucketType: 'LOG_IMAGE' } },
  body: { file: '' },
  bodySerializer: multipart(PNG, 'image/png', 'screen.png'),
});
check(image.data && !image.data.error, `upload image: ${image.response.status}`);
const imageName: string = image.data.data;

const created = await client.POST('/api/user/log/message', {
  params: { header: { 'idempotency-key': `seed-flow-${Date.now()}` } },
  body: {
    uuid: '79af4bc5-a995-4262-92ee-0da381ccaf07',
    udid: '7237F578-828D-43D9-995D-F8B7AC8A4881',
    subject: 'sub 1',
    message: 'msg 1',
    email: 'sudipta.bhaumik@example.com',
    name: 'sudipta',
    category: 'cat1',
    phone: '+919916248135',
    images: [imageName],
  },
});
check(created.data?.message === 'Adding a complaint successful', `create ticket: ${created.response.status}`);
const record = created.data.data;
check(record.ticketInfo.images.includes(imageName), 'the record names the image');

const uploaded = await client.POST('/api/user/help/file/upload/{feedbackId}/{fileType}', {
  params: { path: { feedbackId: record.id, fileType: 'LOG' } },
  body: { file: '' },
  bodySerializer: multipart(new TextEncoder().encode(LOG), 'text/plain', 'app.log'),
});
check(uploaded.data?.data.logPath, `upload LOG: ${uploaded.response.status}`);

const found = await client.POST('/api/admin/fetch/customer/support', {
  headers: admin,
  params: { query: { pageSize: 20 } },
  body: { ticketId: record.ticketId },
});
check(found.data?.data.length === 1 && found.data.data[0]!.id === record.id, `search by ticketId: ${found.response.status}`);
check(found.response.headers.get('x-page-size') === '20', 'search answers X-Page-Size');

const log = await client.GET('/api/aws/download/support/file/{coreTicketId}/{fileType}', {
  headers: admin,
  params: { path: { coreTicketId: record.ticketId, fileType: 'LOG' } },
  parseAs: 'text',
});
check(log.data === LOG, `download LOG: ${log.response.status}`);

const png = await client.GET('/api/admin/images/{name}', { headers: admin, params: { path: { name: imageName } }, parseAs: 'arrayBuffer' });
check(png.data && Buffer.from(png.data).equals(PNG), `download image: ${png.response.status}`);

const refused = await client.POST('/api/user/log/message', {
  body: { uuid: 'u', udid: 'd', subject: 's', message: 'm', email: 'not-an-email', category: 'c' },
});
check(refused.response.status === 400 && refused.error?.detail.code === 'REQUEST.VALIDATION', 'a bad email is a 400 in the envelope');
console.log('seed flow through the generated client: all ok');
