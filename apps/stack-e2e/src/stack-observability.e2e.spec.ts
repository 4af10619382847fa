import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { STACK_SERVICES } from '@support-desk/local-stack';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { parseConfig } from '@support-desk/service-kit';
import { apiClient, skipReason, startStackRun, type StackRun } from './stack-harness';

/**
 * Issue 12 in stack mode, against a real Prometheus (Debian's package) and a real
 * Jaeger all-in-one, both from `eval "$(infra/local/observability.sh start)"`:
 * Prometheus scrapes every service of the stack (this run adds its ports as a
 * file_sd target list) and has the lag and backlog series; Jaeger has one trace
 * from the create through intake-api, the relay, zendesk-sync (with our Zendesk
 * test server) and query-service (this run's processes export to JAEGER_OTLP_ENDPOINT;
 * the test process itself traces nothing). The configs pass promtool. `.ci/run`
 * starts both servers, so CI runs all of it.
 */
const observabilityDir = resolve(import.meta.dirname, '../../../infra/observability');
const obs = parseConfig(
  z.object({
    PROMETHEUS_URL: z.string().optional(),
    PROMETHEUS_TARGETS_DIR: z.string().optional(),
    JAEGER_URL: z.string().optional(),
    JAEGER_OTLP_ENDPOINT: z.string().optional(),
  }),
);
const missing = (keys: (keyof typeof obs)[]) => keys.filter((k) => !obs[k]);
const why = (keys: (keyof typeof obs)[]) => `${missing(keys).join(', ')} not set (run \`eval "$(infra/local/observability.sh start)"\` first)`;
const stackSkip =
  skipReason ??
  (missing(['PROMETHEUS_URL', 'PROMETHEUS_TARGETS_DIR']).length
    ? `observability e2e skipped: ${why(['PROMETHEUS_URL', 'PROMETHEUS_TARGETS_DIR'])}`
    : undefined);
const jaegerSkip = missing(['JAEGER_URL', 'JAEGER_OTLP_ENDPOINT']).length
  ? `Jaeger trace e2e skipped: ${why(['JAEGER_URL', 'JAEGER_OTLP_ENDPOINT'])}`
  : undefined;
if (stackSkip) console.warn(stackSkip);
else if (jaegerSkip) console.warn(jaegerSkip);
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
if (!hasPromtool) console.warn('promtool checks skipped: no promtool (apt-get install prometheus)');

describe.skipIf(!hasPromtool)('Prometheus config and alert rules', () => {
  it('promtool check config and check rules pass', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
    try {
      for (const f of ['prometheus.yml', 'alert-rules.yml']) copyFileSync(join(observabilityDir, f), join(dir, f));
      const config = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      expect(config.status, config.stdout + config.stderr).toBe(0);
      const rules = spawnSync('promtool', ['check', 'rules', join(dir, 'alert-rules.yml')], { encoding: 'utf8' });
      expect(rules.status, rules.stdout + rules.stderr).toBe(0);
      expect(rules.stdout).toMatch(/SUCCESS: [5-9] rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

type PromSeries = { metric: Record<string, string>; value: [number, string] };

describe.skipIf(Boolean(stackSkip))('stack mode with Prometheus and Jaeger', () => {
  let run: StackRun;
  let zendesk: FakeZendesk;
  let targetsFile: string;
  const traceId = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

  const query = async (promql: string): Promise<PromSeries[]> => {
    const res = await fetch(`${obs.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { result: PromSeries[] } };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    return body.data.result;
  };
  const servicesOf = (series: PromSeries[]) => [...new Set(series.map((s) => s.metric.service))].sort();

  beforeAll(async () => {
    zendesk = await FakeZendesk.start();
    run = await startStackRun({
      ZENDESK_URL: zendesk.url,
      ZENDESK_OAUTH_TOKEN: 'oauth-test-token',
      ...(obs.JAEGER_OTLP_ENDPOINT ? { OTEL_EXPORTER_OTLP_ENDPOINT: obs.JAEGER_OTLP_ENDPOINT } : {}),
    });
    const targets = STACK_SERVICES.filter((s) => s !== 'gateway').map((app) => ({
      targets: [`127.0.0.1:${run.stack.port(app)}`],
      labels: { app, run: run.run },
    }));
    targetsFile = join(obs.PROMETHEUS_TARGETS_DIR!, `e2e-${run.run}.json`);
    writeFileSync(targetsFile, JSON.stringify(targets));
  }, 180_000);
  afterAll(async () => {
    if (targetsFile) rmSync(targetsFile, { force: true });
    await run?.close();
    await zendesk?.close();
  });

  it('after creates, Prometheus has every service up, with lag, backlog and relay series', async () => {
    const client = apiClient(run.stack.baseUrl, run.adminToken);
    for (let i = 0; i < 3; i++) {
      const created = await client.create({
        uuid: `obs-${run.run}`,
        udid: 'OBS',
        subject: `observability ${i}`,
        message: 'm',
        email: `obs-${i}@example.com`,
        category: 'obs',
      });
      expect(created.status).toBe(200);
    }
    const sel = `run="${run.run}"`;
    await vi.waitFor(
      async () =>
        expect((await query(`up{${sel}} == 1`)).map((s) => s.metric.app).sort()).toEqual([
          'file-service',
          'intake-api',
          'query-service',
          'relay',
          'zendesk-sync',
        ]),
      {
        timeout: 30_000,
        interval: 1_000,
      },
    );
    await vi.waitFor(
      async () => {
        // Lag per group and partition, from each consumer (3 partitions in this run).
        const lag = await query(`bus_consumer_lag_messages{${sel}}`);
        expect(servicesOf(lag)).toEqual(['query-service', 'zendesk-sync']);
        expect(new Set(lag.map((s) => s.metric.partition))).toEqual(new Set(['0', '1', '2']));
        expect(servicesOf(await query(`bus_dead_letter_queue_messages{${sel}}`))).toEqual(['query-service', 'relay', 'zendesk-sync']);
        expect(servicesOf(await query(`relay_events_behind{${sel}}`))).toEqual(['relay']);
        expect(servicesOf(await query(`relay_seconds_behind{${sel}}`))).toEqual(['relay']);
        const backlog = await query(`zendesk_sync_tickets{${sel}}`);
        expect(backlog.map((s) => s.metric.status).sort()).toEqual(['FAILED', 'PENDING']);
        expect(Number((await query(`zendesk_sync_tickets{${sel},status="FAILED"}`))[0]!.value[1])).toBe(0);
        expect(Number((await query(`sum(eventstore_events_appended_total{${sel},service="intake-api",type="TicketRequested"})`))[0]?.value[1])).toBe(3);
        expect(Number((await query(`sum(zendesk_requests_total{${sel},endpoint="/api/v2/tickets",method="POST"})`))[0]?.value[1])).toBe(3);
        expect(servicesOf(await query(`http_request_duration_seconds_count{${sel}}`))).toContain('intake-api');
      },
      { timeout: 60_000, interval: 2_000 },
    );
  });

  it('every query of the Grafana dashboard is valid PromQL to this Prometheus', async () => {
    const dashboard = JSON.parse(readFileSync(join(observabilityDir, 'grafana-dashboard.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThan(20);
    for (const expr of exprs) await expect(query(expr), expr).resolves.toBeInstanceOf(Array);
  });

  it.skipIf(Boolean(jaegerSkip))('Jaeger has one trace from the mobile request through intake-api, relay, zendesk-sync and query-service', async () => {
    const client = apiClient(run.stack.baseUrl, run.adminToken);
    const res = await client.api('/user/log/message', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ uuid: `obs-trace-${run.run}`, udid: 'OBS', subject: 'traced', message: 'm', email: 'trace@example.com', category: 'obs' }),
    });
    expect(res.status).toBe(200);
    type JaegerTrace = { spans: { operationName: string; processID: string }[]; processes: Record<string, { serviceName: string }> };
    await vi.waitFor(
      async () => {
        const answer = await fetch(`${obs.JAEGER_URL}/api/traces/${traceId}`);
        expect(answer.status).toBe(200);
        const { data } = (await answer.json()) as { data: JaegerTrace[] };
        expect(data).toHaveLength(1);
        const trace = data[0]!;
        const services = new Set(trace.spans.map((s) => trace.processes[s.processID]!.serviceName));
        expect([...services].sort()).toEqual(expect.arrayContaining(['intake-api', 'query-service', 'relay', 'zendesk-sync']));
        const ops = trace.spans.map((s) => s.operationName);
        expect(ops).toEqual(expect.arrayContaining(['POST /api/user/log/message', 'zendesk POST /api/v2/tickets', 'eventstore append TicketSynced']));
        expect(ops.some((o) => /query-service process TicketSynced$/.test(o))).toBe(true);
      },
      { timeout: 60_000, interval: 2_000 },
    );
  });
});
