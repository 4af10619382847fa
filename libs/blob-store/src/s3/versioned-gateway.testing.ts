import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { RealServer, S3Endpoint } from '@support-desk/service-kit/testing';
import { vi } from 'vitest';
import { rawClient } from './s3-versions.testing';

const script = fileURLToPath(new URL('../../../../infra/local/versitygw-versioned.sh', import.meta.url));

/**
 * A second versitygw, started for the suite by infra/local/versitygw-versioned.sh
 * on a free loopback port with --versioning-dir (the shared one on 7070 runs
 * without it, so it cannot version a bucket), with one bucket whose versioning
 * is Enabled. Missing when the versitygw binary is not installed.
 */
export function versionedGateway(): RealServer<S3Endpoint> {
  const check = spawnSync('bash', [script, '--installed'], { encoding: 'utf8' });
  if (check.status !== 0) return { kind: 'missing', reason: `no versioned versitygw: ${check.stderr.trim() || `exit ${check.status}`}` };
  return { kind: 'container', description: 'a versioned versitygw (infra/local/versitygw-versioned.sh)', start };
}

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'vgw-versioned-'));
  const port = await freePort();
  const child = spawn('bash', [script, dir, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const endpoint: S3Endpoint = {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    bucket: 'versioned-e2e',
    credentials: { accessKeyId: 'supportdesk', secretAccessKey: 'supportdesk-secret' },
    forcePathStyle: true,
  };
  try {
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`versitygw exited (${child.exitCode}): ${stderr}`);
        const res = await fetch(`${endpoint.endpoint}/health`);
        if ((await res.text()) !== 'OK') throw new Error('not healthy yet');
      },
      { timeout: 20_000, interval: 100 },
    );
    const s3 = rawClient(endpoint);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: endpoint.bucket }));
      await s3.send(new PutBucketVersioningCommand({ Bucket: endpoint.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    } finally {
      s3.destroy();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
