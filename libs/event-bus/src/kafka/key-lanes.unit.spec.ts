import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { forEachLimited, lanesByKey } from './key-lanes';

const msg = (offset: number, key: string | null): KafkaMessage =>
  ({ offset: String(offset), key: key === null ? null : Buffer.from(key), value: null, timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;

describe('lanesByKey', () => {
  it('keeps each key in its own lane, in order, keyless ones together', () => {
    const lanes = lanesByKey([msg(0, 'a'), msg(1, 'b'), msg(2, 'a'), msg(3, null), msg(4, 'b'), msg(5, null), msg(6, 'a')]);
    expect(lanes.map((l) => l.map((m) => m.offset))).toEqual([
      ['0', '2', '6'],
      ['1', '4'],
      ['3', '5'],
    ]);
  });

  it('does not merge keys whose bytes differ only in ways utf8 would hide', () => {
    const k1 = { ...msg(0, null), key: Buffer.from([0xff]) } as KafkaMessage;
    const k2 = { ...msg(1, null), key: Buffer.from([0xfe]) } as KafkaMessage;
    expect(lanesByKey([k1, k2])).toHaveLength(2);
  });
});

describe('forEachLimited', () => {
  it('never runs more than the limit at once and visits every item once', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5 + (n % 3)));
      seen.push(n);
      inFlight--;
    });
    expect(most).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('lets the others finish, then rejects with the failure', async () => {
    const done: number[] = [];
    const run = forEachLimited([1, 2, 3], 3, async (n) => {
      if (n === 1) throw new Error('lane 1 failed');
      await new Promise((r) => setTimeout(r, 5));
      done.push(n);
    });
    await expect(run).rejects.toThrow('lane 1 failed');
    expect(done.sort()).toEqual([2, 3]);
  });
});
