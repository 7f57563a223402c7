import { describe, expect, it } from 'vitest';
import neo4j from 'neo4j-driver';
import { toPlain } from '../../src/planner/shapeResult.js';

describe('toPlain: what the driver returns, as the API answers it', () => {
  it('passes strings, numbers and booleans through, and null for missing', () => {
    expect(toPlain('2024-01-05')).toBe('2024-01-05');
    expect(toPlain(1.5)).toBe(1.5);
    expect(toPlain(false)).toBe(false);
    expect(toPlain(undefined)).toBeNull();
  });

  it('turns driver values inside plain maps and lists into JSON values', () => {
    const raw = {
      n: neo4j.int(42),
      when: { start: new neo4j.types.Date(2024, 1, 5), at: neo4j.types.DateTime.fromStandardDate(new Date('2026-11-30T20:00:00.120Z')) },
      where: [new neo4j.types.Point(4326, 37.6, 49.7)],
      names: ['Kupiansk', 'Куп’янськ'],
    };
    expect(toPlain(raw)).toEqual({
      n: 42,
      when: { start: '2024-01-05', at: '2026-11-30T20:00:00.120Z' },
      where: [{ latitude: 49.7, longitude: 37.6 }],
      names: ['Kupiansk', 'Куп’янськ'],
    });
  });

  it('copies maps rather than returning the driver’s objects', () => {
    const raw = { a: { b: 1 } };
    const plain = toPlain(raw) as { a: { b: number } };
    expect(plain).toEqual(raw);
    expect(plain.a).not.toBe(raw.a);
  });
});
