import { logLevel } from 'kafkajs';
import { describeWithRealServer, findKafka, runId } from '@support-desk/service-kit/testing';
import { eventBusContract } from '../testing';
import { KafkaEventBus } from './kafka-event-bus';

const run = runId();
let testNo = 0;

describeWithRealServer('KafkaEventBus', await findKafka(), (endpoint) => {
  eventBusContract('kafka', async () => {
    // A topic per test: new groups read from the earliest offset, so a shared topic would
    // hand each test the messages of the tests before it.
    const bus = await KafkaEventBus.start({
      brokers: endpoint().brokers,
      clientId: `e2e-${run}`,
      topic: `support-desk.ticket-events.e2e-${run}-${++testNo}`,
      retryBaseMs: 20,
      // kafkajs logs expected rebalances at ERROR level; the assertions tell what went wrong.
      logLevel: logLevel.NOTHING,
      // Short group timings so joins, rebalances and leaves take well under a second.
      consumer: { sessionTimeout: 6_000, heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 200, joinTimeoutMs: 30_000 },
    });
    return {
      bus,
      deadLetters: (group) => bus.deadLetters(group),
      cleanup: async () => {
        // Best effort and quick: a topic already gone must not hold the next test for a minute of retries.
        const admin = await bus.admin({ retry: { retries: 2, maxRetryTime: 1_000 } });
        try {
          await admin.deleteGroups(bus.groups).catch(() => undefined);
          for (const topic of [bus.topic, bus.deadLetterTopic]) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        } finally {
          await admin.disconnect();
        }
      },
    };
  });
});
