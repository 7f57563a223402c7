import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ValidRecord } from '../../src/bundle/bundleSchema.js';
import { RecordSpill, SPILL_CHUNK } from '../../src/bundle/recordSpill.js';

const node = (i: number, properties: Record<string, unknown> = {}): ValidRecord => ({
  kind: 'node',
  node: { label: 'Place', id: `place:p${i}`, properties: { kind: 'CITY', name: `p${i}`, ...properties } },
});
const edge = (i: number): ValidRecord => ({ kind: 'edge', edge: { type: 'PART_OF', from: `place:p${i}`, to: 'place:p0', properties: {} } });

const spills: RecordSpill[] = [];
const spill = () => {
  const s = new RecordSpill();
  spills.push(s);
  return s;
};
afterEach(() => {
  for (const s of spills.splice(0)) s.close();
});

describe('RecordSpill', () => {
  it('an input within one chunk stays in memory: no file', () => {
    const s = spill();
    const records = [node(1), edge(1), node(2)];
    for (const r of records) s.add(r);
    expect(s.path).toBeNull();
    expect(s.bytes).toBe(0);
    expect([...s.records()]).toEqual(records);
  });

  it('full chunks go to a file that has no name once open (nothing is left behind, even by a killed process); every record comes back in order, as often as asked', () => {
    const s = spill();
    const records = Array.from({ length: SPILL_CHUNK * 3 + 5 }, (_, i) => (i % 3 ? edge(i) : node(i)));
    for (const r of records) s.add(r);
    expect(s.count).toBe(records.length);
    expect(s.bytes).toBeGreaterThan(0);
    expect(s.path).toMatch(/claimgraph-import-[^/]+[/\\]records\.v8$/);
    expect(existsSync(s.path!)).toBe(false);
    expect(existsSync(path.dirname(s.path!))).toBe(false);
    expect([...s.records()]).toEqual(records);
    expect([...s.records()]).toEqual(records);
    s.close();
    expect([...s.records()]).toEqual([]);
  });

  it('values come back exactly as they went in, which JSON would not do', () => {
    const s = spill();
    const odd = node(1, { areaKm2: -0, note: undefined, name: 'Купʼянськ \u{1F600} \u0000 end', aliases: ['a', '', 'b'], nested: { deep: [1.5, null, true] } });
    s.add(odd);
    for (let i = 2; i <= SPILL_CHUNK; i++) s.add(node(i));
    expect(s.bytes).toBeGreaterThan(0);
    const [back] = s.records();
    expect(back).toEqual(odd);
    expect(Object.is((back as unknown as { node: { properties: { areaKm2: number } } }).node.properties.areaKm2, -0)).toBe(true);
    expect('note' in (back as unknown as { node: { properties: object } }).node.properties).toBe(true);
  });

  it('close twice is harmless', () => {
    const s = spill();
    for (let i = 0; i < SPILL_CHUNK; i++) s.add(node(i));
    s.close();
    expect(() => s.close()).not.toThrow();
  });
});
