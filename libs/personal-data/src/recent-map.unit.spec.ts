import { describe, expect, it } from 'vitest';
import { RecentMap } from './recent-map';

describe('RecentMap: a bounded map that keeps what was set most recently', () => {
  it('keeps at least the last `generation` keys set and at most twice that', () => {
    const map = new RecentMap<number, string>(3);
    for (let i = 0; i < 10; i++) map.set(i, `v${i}`);
    const kept = Array.from({ length: 10 }, (_, i) => map.get(i)).filter((v) => v !== undefined);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThanOrEqual(6);
    for (const i of [7, 8, 9]) expect(map.get(i)).toBe(`v${i}`);
    expect(map.get(0)).toBeUndefined();
  });

  it('a value set again is the one read back', () => {
    const map = new RecentMap<string, string>(2);
    map.set('a', '1');
    map.set('b', '2');
    map.set('a', '3');
    expect(map.get('a')).toBe('3');
  });

  it('forgets a deleted key in either generation, and everything on clear', () => {
    const map = new RecentMap<string, number>(2);
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      map.set(k, v); // a, b: previous; c: current
    map.delete('a');
    map.delete('c');
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([undefined, 2, undefined]);
    map.clear();
    expect(map.get('b')).toBeUndefined();
  });
});
