import { retryThroughOutage, type OutageOptions } from '@support-desk/service-kit/outage';

export type { OutageOptions } from '@support-desk/service-kit/outage';

/**
 * A read-model call that waits out an outage of the read model (e.g. FerretDB
 * while its PostgreSQL restarts) instead of letting the bus dead-letter the
 * event, which would leave the ticket out of search for good. Every error counts
 * as an outage here: the projection's reads and upserts have no other way to fail.
 */
export function throughReadModelOutage<T>(what: string, call: () => Promise<T>, options: OutageOptions = {}): Promise<T> {
  return retryThroughOutage(`read model ${what}`, call, options);
}
