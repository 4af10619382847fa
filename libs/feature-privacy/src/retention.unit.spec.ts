import { describe, expect, it } from 'vitest';
import { isPastRetention } from './retention';

const DAY = 24 * 60 * 60 * 1000;
const now = 1_800_000_000_000;
const closed = (daysAgo: number, status = 'CLOSED') => ({ status: { status, changedAt: now - daysAgo * DAY } });

describe('retention selection', () => {
  it('takes a user whose every ticket is closed or solved longer than RETENTION_DAYS', () => {
    expect(isPastRetention([closed(40), closed(31, 'SOLVED')], now, 30)).toBe(true);
  });

  it('keeps a user while one ticket was closed more recently than that', () => {
    expect(isPastRetention([closed(400), closed(29)], now, 30)).toBe(false);
  });

  it('keeps a user with any ticket not over: open, pending, on hold, new, or never reported by Zendesk', () => {
    for (const status of ['OPEN', 'PENDING', 'HOLD', 'NEW']) expect(isPastRetention([closed(400), closed(400, status)], now, 30), status).toBe(false);
    expect(isPastRetention([closed(400), { status: null }], now, 30)).toBe(false);
  });

  it('counts the boundary as past: closed exactly RETENTION_DAYS ago', () => {
    expect(isPastRetention([closed(30)], now, 30)).toBe(true);
    expect(isPastRetention([{ status: { status: 'CLOSED', changedAt: now - 30 * DAY + 1 } }], now, 30)).toBe(false);
  });

  it('takes no user without tickets', () => {
    expect(isPastRetention([], now, 30)).toBe(false);
  });
});
