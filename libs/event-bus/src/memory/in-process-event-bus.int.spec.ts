import { eventBusContract } from '../testing';
import { InProcessEventBus } from './in-process-event-bus';

eventBusContract('in-process', async () => {
  const bus = new InProcessEventBus({ retryBaseMs: 5 });
  return { bus, deadLetters: async (group) => bus.deadLetters.filter((d) => d.group === group) };
});
