import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff';

describe('backoffMs', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
  });

  it('stays finite and under the cap however long the failures go on', () => {
    expect(backoffMs(10_000, 100, 5_000, () => 0.5)).toBe(3_750);
  });
});
