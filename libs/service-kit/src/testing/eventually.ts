/**
 * Retries an assertion until it passes or `timeoutMs` is over (then its last
 * failure is thrown): read models follow the event store asynchronously.
 */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 5_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
