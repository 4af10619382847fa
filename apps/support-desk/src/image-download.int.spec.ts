import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, images, startTestDesk, uploadImage, type TestDesk } from './testing/test-desk';

describe('GET /api/admin/images/{name}', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(() => desk.close());

  const get = (name: string, headers: Record<string, string> = admin) => desk.app.inject({ method: 'GET', url: `/api/admin/images/${name}`, headers });

  it('streams an uploaded image with its type', async () => {
    const name = await uploadImage(desk.app, images.png);
    const res = await get(name);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(images.png)).toBe(true);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is admin only: 401 without credentials, 403 with a wrong token', async () => {
    const name = await uploadImage(desk.app);
    expect((await get(name, {})).statusCode).toBe(401);
    expect((await get(name, { authorization: 'Bearer wrong' })).statusCode).toBe(403);
  });

  it('answers 404 for an unknown image and 400 for a name we never generate', async () => {
    const unknown = await get('732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: true, data: null, detail: { code: 'FILE.NOT_FOUND' } });
    const bad = await get('..%2F..%2Fetc%2Fpasswd');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail.code).toBe('REQUEST.VALIDATION');
  });
});
