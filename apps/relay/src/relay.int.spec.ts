import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openServiceContext } from '@support-desk/composition-root';
import { relayService } from './app';

describe('relay opens only the event store and the bus', () => {
  it('is given no S3, MongoDB or Zendesk settings and opens neither', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-'));
    const ctx = await openServiceContext(relayService, {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      S3_BUCKET: 'secret-bucket',
      S3_SECRET_ACCESS_KEY: 'not-for-the-relay',
      MONGODB_URL: 'mongodb://127.0.0.1:9/x',
      ZENDESK_URL: 'http://127.0.0.1:9',
    });
    try {
      expect(Object.keys(ctx.adapters.describe).sort()).toEqual(['bus', 'eventStore']);
      expect(ctx.config).not.toHaveProperty('S3_SECRET_ACCESS_KEY');
      expect(ctx.config).not.toHaveProperty('S3_BUCKET');
      expect(ctx.config).not.toHaveProperty('MONGODB_URL');
    } finally {
      await ctx.adapters.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
