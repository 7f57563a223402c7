import { describe, expect, it } from 'vitest';
import { concurrencySlots } from '../../src/neo4j/concurrencySlots.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('concurrencySlots', () => {
  it('never lets more than its size hold a slot, and uses all of them', async () => {
    const slots = concurrencySlots(3);
    let holding = 0;
    let most = 0;
    const work = Array.from({ length: 40 }, async (_, i) => {
      const release = await slots.acquire();
      holding++;
      most = Math.max(most, holding);
      expect(slots.active).toBeLessThanOrEqual(3);
      for (let t = 0; t < (i % 4) + 1; t++) await tick();
      holding--;
      release();
    });
    await Promise.all(work);
    expect(most).toBe(3);
    expect(slots.active).toBe(0);
    expect(slots.waiting).toBe(0);
  });

  it('hands slots out first come, first served, and says who waits', async () => {
    const slots = concurrencySlots(1);
    const order: number[] = [];
    const first = await slots.acquire();
    const waiting = [1, 2, 3].map(async (n) => {
      const release = await slots.acquire();
      order.push(n);
      await tick();
      release();
    });
    await tick();
    expect(slots.active).toBe(1);
    expect(slots.waiting).toBe(3);
    first();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it('gives a slot back once however often release is called', async () => {
    const slots = concurrencySlots(1);
    const release = await slots.acquire();
    const second = slots.acquire();
    const third = slots.acquire();
    release();
    release();
    const releaseSecond = await second;
    await tick();
    // the doubled release must not have let the third in beside the second
    expect(slots.active).toBe(1);
    expect(slots.waiting).toBe(1);
    releaseSecond();
    (await third)();
  });

  it('lets a released slot be taken by the next waiter even when the holder failed', async () => {
    const slots = concurrencySlots(2);
    const failing = Array.from({ length: 5 }, async () => {
      const release = await slots.acquire();
      try {
        await tick();
        throw new Error('boom');
      } finally {
        release();
      }
    });
    const outcomes = await Promise.allSettled(failing);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(slots.active).toBe(0);
    (await slots.acquire())();
  });
});
