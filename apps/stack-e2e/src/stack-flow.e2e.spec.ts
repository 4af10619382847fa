import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { STACK_SERVICES } from '@support-desk/local-stack';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startOtherTeamConsumer } from './other-team-consumer';
import { acrossStack, apiClient, infraEnv, skipReason, startStackRun, type StackRun } from './stack-harness';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2_000)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(60_000)]);

if (skipReason) console.warn(skipReason);

/** The contract's flow across processes in stack mode, on Kafka, FerretDB, versitygw and the PostgreSQL event store. */
describe.skipIf(Boolean(skipReason))('stack mode: the contract flow across processes', () => {
  let run: StackRun;
  let client: ReturnType<typeof apiClient>;
  let otherTeam: Awaited<ReturnType<typeof startOtherTeamConsumer>>;
  const body = {
    uuid: `stack-user-${randomBytes(4).toString('hex')}`,
    udid: 'STACK-DEVICE-7',
    subject: 'Cannot log in',
    message: 'The app says my session expired every minute.',
    email: `stack-${randomBytes(4).toString('hex')}@example.com`,
    name: 'Grace',
    category: 'login',
    phone: '+49 30 1234567',
  };

  beforeAll(async () => {
    run = await startStackRun();
    client = apiClient(run.stack.baseUrl, run.adminToken);
    otherTeam = await startOtherTeamConsumer(infraEnv.KAFKA_BROKERS!.split(','), run.topic);
  });
  afterAll(async () => {
    await otherTeam?.stop();
    await run?.close();
  });

  it('uploads, creates, attaches, finds by every field, downloads the same bytes', async () => {
    const image = await client.upload('/common/upload/file?bucketType=LOG_IMAGE', PNG, 'screen.png', 'image/png');
    expect(image.status).toBe(200);
    const imageName = ((await image.json()) as { data: string }).data;

    const created = await client.create({ ...body, images: [imageName] });
    expect(created.status).toBe(200);
    const { id, ticketId } = created.data!;

    const log = randomBytes(300_000);
    expect((await client.upload(`/user/help/file/upload/${id}/LOG`, log, 'app.log', 'text/plain')).status).toBe(200);
    expect((await client.upload(`/user/help/file/upload/${id}/FEEDBACK_PHOTO`, JPEG, 'p.jpg', 'image/jpeg')).status).toBe(200);

    const filters: Record<string, string>[] = [
      { uuid: body.uuid },
      { udid: body.udid, uuid: body.uuid },
      { email: body.email },
      { phone: '+49301234567', uuid: body.uuid },
      { ticketId },
    ];
    for (const filter of filters) {
      await expect.poll(async () => (await client.searchAll(filter)).map((r) => r.id), { ...acrossStack, message: JSON.stringify(filter) }).toEqual([id]);
    }
    await vi.waitFor(async () => {
      const [record] = (await client.searchAll({ ticketId })) as unknown as { logPath: string; feedbackPhoto: string }[];
      expect(record!.logPath).toContain(`/api/aws/download/support/file/${ticketId}/LOG`);
      expect(record!.feedbackPhoto).toContain(`/FEEDBACK_PHOTO`);
    }, acrossStack);

    const gotLog = await client.download(ticketId, 'LOG');
    expect(gotLog.status).toBe(200);
    expect(gotLog.bytes.equals(log)).toBe(true);
    const gotPhoto = await client.download(ticketId, 'FEEDBACK_PHOTO');
    expect(gotPhoto.bytes.equals(JPEG)).toBe(true);
    expect(gotPhoto.type).toBe('image/jpeg');

    // Another team, knowing only the .avsc files and the headers, reads the events.
    await vi.waitFor(() => {
      const mine = otherTeam.received.filter((e) => e.key === ticketId);
      expect(mine.map((e) => e.type)).toEqual(['TicketRequested', 'SupportFileUploaded', 'SupportFileUploaded']);
      expect(mine[0]!.data).toMatchObject({ ticketId, recordId: id, uuid: body.uuid, email: body.email, images: [imageName] });
      expect(new Set(mine.map((e) => e.partition)).size).toBe(1);
    }, acrossStack);
  });

  // After the flow above (uploads, events, projections, Zendesk's worker): state lives in the servers only.
  it('no service process keeps a file in its DATA_DIR (each gets its own, empty and read-only)', () => {
    const { stack } = run;
    for (const service of STACK_SERVICES) {
      const dir = stack.dataDirOf(service);
      expect({ service, entries: readdirSync(dir) }).toEqual({ service, entries: [] });
      expect({ service, mode: statSync(dir).mode & 0o777 }).toEqual({ service, mode: 0o555 });
      // Root writes through 0555, so the mode alone proves nothing there: look at what each process has open.
      const open = readdirSync(`/proc/${stack.pid(service)}/fd`).flatMap((fd) => {
        try {
          return [readlinkSync(`/proc/${stack.pid(service)}/fd/${fd}`)];
        } catch {
          return []; // closed meanwhile
        }
      });
      expect({ service, open: open.filter((path) => path.startsWith(stack.options.dataDir)) }).toEqual({ service, open: [] });
    }
  });

  it("joins its consumer groups under the run's KAFKA_GROUP_PREFIX (groups are per broker, so stacks side by side stay apart)", async () => {
    const admin = new Kafka({ brokers: infraEnv.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      // query-service's projection (zendesk-sync joins its group only once Zendesk is configured, which it is not here).
      const { groups } = await admin.describeGroups([`e2e-${run.run}.query-service`]);
      expect(groups.map((g) => ({ group: g.groupId, state: g.state, members: g.members.length }))).toEqual([
        { group: `e2e-${run.run}.query-service`, state: 'Stable', members: 1 },
      ]);
    } finally {
      await admin.disconnect();
    }
  });
});
