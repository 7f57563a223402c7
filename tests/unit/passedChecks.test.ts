import { describe, expect, it } from 'vitest';
import { PassedChecks } from '../../src/guards/passedChecks.js';

describe('PassedChecks', () => {
  it('remembers what was added, and nothing else', () => {
    const passed = new PassedChecks(3, 100);
    passed.add('a');
    expect(passed.has('a')).toBe(true);
    expect(passed.has('b')).toBe(false);
  });

  it('at capacity, lets the oldest key go first', () => {
    const passed = new PassedChecks(2, 100);
    passed.add('a');
    passed.add('b');
    passed.add('c');
    expect([passed.has('a'), passed.has('b'), passed.has('c')]).toEqual([false, true, true]);
  });

  it('does not remember a key longer than its limit', () => {
    const passed = new PassedChecks(2, 3);
    passed.add('abcd');
    passed.add('abc');
    expect([passed.has('abcd'), passed.has('abc')]).toEqual([false, true]);
  });
});
