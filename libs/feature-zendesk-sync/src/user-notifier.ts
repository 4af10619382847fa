import { createHmac } from 'node:crypto';
import { backoffMs } from '@support-desk/service-kit/backoff';

export type UserNotifierSettings = { url: string; secret: string; maxAttempts: number; retryBaseMs: number };

/** What the app's backend gets for each agent public reply: enough to address a push, nothing of the text. */
export type UserNotification = { event: 'ticket.reply'; ticketId: string; uuid: string; udid: string; commentId: string; createdAt: number };

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

const RETRY_CAP_MS = 5 * 60_000;
const TIMEOUT_MS = 10_000;

/** X-Support-Desk-Signature: `sha256=` + hex HMAC-SHA256(secret, timestamp + "." + body). */
export function signUserNotification(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The push hook (USER_NOTIFY_WEBHOOK_URL): POSTs a small signed JSON to the app's
 * own backend, which sends the push (FCM/APNs). Runs beside the pipeline, never
 * in it: `notify` returns at once; retries with back-off on network errors, 5xx
 * and 429; gives up after maxAttempts with an error log. Deliveries pending at
 * shutdown are dropped (logged): a push is a nudge, the conversation is the truth.
 * The receiver should drop repeats by commentId.
 */
export class UserNotifier {
  private readonly stopping = new AbortController();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly settings: UserNotifierSettings,
    private readonly log: Log,
    private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void> = abortableSleep,
  ) {}

  notify(notification: UserNotification): void {
    const run = this.deliver(notification).finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Settles every delivery in flight (tests; shutdown waits for none). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async stop(): Promise<void> {
    this.stopping.abort(new Error('stopping'));
    await this.idle();
  }

  private async deliver(n: UserNotification): Promise<void> {
    const body = JSON.stringify(n);
    const log = { ticketId: n.ticketId, commentId: n.commentId };
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.post(body);
      if (outcome.ok) {
        this.log.info({ ...log, attempt }, 'user notified of a support reply');
        return;
      }
      if (this.stopping.signal.aborted) {
        this.log.warn(log, 'user notification dropped: shutting down');
        return;
      }
      if (!outcome.retry || attempt >= this.settings.maxAttempts) {
        this.log.error({ ...log, attempt, reason: outcome.reason }, 'user notification failed: giving up');
        return;
      }
      const delayMs = backoffMs(attempt, this.settings.retryBaseMs, RETRY_CAP_MS);
      this.log.warn({ ...log, attempt, delayMs, reason: outcome.reason }, 'user notification failed: retrying');
      try {
        await this.sleep(delayMs, this.stopping.signal);
      } catch {
        this.log.warn(log, 'user notification dropped: shutting down');
        return;
      }
    }
  }

  private async post(body: string): Promise<{ ok: true } | { ok: false; retry: boolean; reason: string }> {
    const timestamp = String(Date.now());
    try {
      const res = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-support-desk-timestamp': timestamp,
          'x-support-desk-signature': signUserNotification(this.settings.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(TIMEOUT_MS)]),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return { ok: true };
      return { ok: false, retry: res.status >= 500 || res.status === 429 || res.status === 408, reason: `HTTP ${res.status}` };
    } catch (error) {
      return { ok: false, retry: true, reason: (error as Error).message };
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
