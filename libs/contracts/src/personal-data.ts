/**
 * What a reader gets in place of a personal field whose data key was erased
 * (crypto-shredding, see libs/personal-data). It is a plain, stable string so
 * projections, relays and replays keep working: they store or show it like any
 * value, and search treats it as "no value" (it must never match or be indexed).
 */
export const ERASED = '[erased]';

export function isErased(value: unknown): boolean {
  return value === ERASED;
}
