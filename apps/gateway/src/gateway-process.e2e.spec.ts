import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '@support-desk/contracts';
import { startFakeServices, type FakeServices } from './testing/fake-services';

/** apps/gateway/src/main.ts as its own process, as stack mode runs it: config, pino logs, signals. */
const repoRoot = resolve(import.meta.dirname, '../../..');

type GatewayProcess = { child: ChildProcess; base: string; logs: Record<string, unknown>[]; stderr: () => string };

async function startGateway(fakes: FakeServices, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: '0',
      INTAKE_API_URL: fakes.urls['intake-api'],
      FILE_SERVICE_URL: fakes.urls['file-service'],
      QUERY_SERVICE_URL: fakes.urls['query-service'],
      ZENDESK_SYNC_URL: fakes.urls['zendesk-sync'],
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  let base = '';
  await expect
    .poll(
      () => {
        if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${err}`);
        base = (logs.find((l) => l.msg === `gateway listening on ${String(l.address)}`)?.address as string) ?? '';
        return base;
      },
      { timeout: 20_000, interval: 100 },
    )
    .not.toBe('');
  return { child, base, logs, stderr: () => err };
}

describe('the gateway process', () => {
  let fakes: FakeServices;
  let gateway: GatewayProcess | undefined;
  beforeAll(async () => {
    fakes = await startFakeServices();
  });
  afterEach(() => {
    if (gateway?.child.exitCode === null) gateway.child.kill('SIGKILL');
    gateway = undefined;
  });
  afterAll(async () => {
    await fakes?.close();
  });

  it('forwards, and logs each request as a pino JSON line', async () => {
    gateway = await startGateway(fakes);
    const res = await fetch(`${gateway.base}/api/health`, { headers: { 'x-request-id': 'e2e-health' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { service: string } }).data.service).toBe('intake-api');
    await expect
      .poll(() => gateway!.logs.find((l) => l.reqId === 'e2e-health' && l.msg === 'request completed'))
      .toMatchObject({ name: 'gateway', level: 30, res: { statusCode: 200 } });
  });

  it('exits 0 on SIGTERM when idle', async () => {
    gateway = await startGateway(fakes);
    const exited = once(gateway.child, 'exit');
    gateway.child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });

  it('exits after SHUTDOWN_GRACE_MS on SIGTERM even while a request hangs', async () => {
    gateway = await startGateway(fakes, { SHUTDOWN_GRACE_MS: '1000', UPSTREAM_HEADERS_TIMEOUT_MS: '60000' });
    const hanging = fetch(`${gateway.base}${API_ROUTES.downloadImage.path.replace(':name', 'slow.png')}`, { headers: { 'x-test-delay-ms': '20000' } }).catch(
      (e: Error) => e,
    );
    await expect.poll(() => gateway!.logs.some((l) => l.msg === 'incoming request')).toBe(true);
    const started = Date.now();
    const exited = once(gateway.child, 'exit');
    gateway.child.kill('SIGTERM');
    expect(await exited).toEqual([1, null]);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5_000);
    expect(gateway.logs.map((l) => l.msg)).toContain('shutdown timed out waiting for http server');
    expect(await hanging).toBeInstanceOf(Error);
  });

  it('refuses a bad setting at start, naming it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, UPSTREAM_HEADERS_TIMEOUT_MS: 'soon', FILE_SERVICE_URL: 'not a url' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect(await once(child, 'exit')).toEqual([1, null]);
    expect(err).toMatch(/UPSTREAM_HEADERS_TIMEOUT_MS/);
    expect(err).toMatch(/FILE_SERVICE_URL/);
  });
});
