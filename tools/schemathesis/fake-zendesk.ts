/**
 * The fake Zendesk server (feature-zendesk-sync/testing) as a process, for the
 * schemathesis run: prints its URL on the first line of stdout and serves until
 * SIGTERM, so `npm start` can be pointed at it and the Zendesk routes are live.
 */
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';

const zendesk = await FakeZendesk.start();
process.stdout.write(`${zendesk.url}\n`);
const stop = () => void zendesk.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
