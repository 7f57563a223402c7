import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/neo4j/backoffDelay.js';
import { DEFAULT_RESTART_BACKOFF } from '../../src/neo4j/ownNeo4j.js';

describe('backoffDelay', () => {
  it('doubles from the initial wait and stays at the cap', () => {
    const waits = Array.from({ length: 8 }, (_, i) => backoffDelay(i + 1, { initialMs: 1_000, maxMs: 30_000 }));
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('is the schedule our own Neo4j is restarted on: 1 s, 2 s, 4 s … capped at 30 s', () => {
    expect(DEFAULT_RESTART_BACKOFF).toEqual({ initialMs: 1_000, maxMs: 30_000 });
    expect(backoffDelay(1, DEFAULT_RESTART_BACKOFF)).toBe(1_000);
    expect(backoffDelay(3, DEFAULT_RESTART_BACKOFF)).toBe(4_000);
  });

  it('stays finite however many attempts failed', () => {
    expect(backoffDelay(10_000, { initialMs: 1_000, maxMs: 30_000 })).toBe(30_000);
    expect(backoffDelay(2 ** 40, { initialMs: 1, maxMs: 5 })).toBe(5);
  });

  it('never waits longer than the cap, even when the cap is below the initial wait', () => {
    expect(backoffDelay(1, { initialMs: 5_000, maxMs: 1_000 })).toBe(1_000);
  });

  it('refuses an attempt that is not a whole number from 1', () => {
    for (const attempt of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => backoffDelay(attempt, { initialMs: 1, maxMs: 2 }), String(attempt)).toThrow(RangeError);
    }
  });
});
