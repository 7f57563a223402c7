import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectTestDatabase, model, resetToSample } from '../harness.js';
import type { Database } from '../../src/neo4j/database.js';
import { importRecords, type ImportSource } from '../../src/bundle/importBundle.js';
import { BundleValidationError, readBundleObject } from '../../src/bundle/bundleSchema.js';
import { DigestIndex } from '../../src/bundle/digestIndex.js';

/**
 * The importer reads its input twice: once to validate it, once to write it. The write pass keeps no index
 * of the records; it skips the repeats validation noted, and it refuses an input that changed between the
 * passes before it commits the batch holding the change.
 */

let db: Database;
beforeAll(async () => {
  db = connectTestDatabase();
  await resetToSample(db);
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.autoCommit("MATCH (n:Place) WHERE n.id STARTS WITH 'place:pass-' DETACH DELETE n", {});
});

type Rec = { label?: string; id?: string; type?: string; from?: string; to?: string; properties: Record<string, unknown> };
const place = (name: string, extra: Record<string, unknown> = {}): Rec => ({ label: 'Place', id: `place:pass-${name}`, properties: { kind: 'CITY', name, ...extra } });
const partOf = (child: string, parent: string): Rec => ({ type: 'PART_OF', from: `place:pass-${child}`, to: parent.includes(':') ? parent : `place:pass-${parent}`, properties: {} });
const bundle = (nodes: Rec[], edges: Rec[] = []) => ({ format: 'claimgraph-bundle', version: 1, nodes, edges });

/** An input that reads as `reads[i]` the i-th time (the last one from then on). */
function changing(...reads: object[]): ImportSource & { count: number } {
  const source = {
    count: 0,
    read: () => readBundleObject(reads[Math.min(source.count++, reads.length - 1)]),
  };
  return source;
}

async function stored(): Promise<Record<string, string>> {
  const result = await db.read("MATCH (n:Place) WHERE n.id STARTS WITH 'place:pass-' RETURN n.id AS id, n.name AS name ORDER BY id", {});
  return Object.fromEntries(result.records.map((r) => [r.get('id') as string, r.get('name') as string]));
}

const CHANGED = /The input changed while it was being imported/;

describe('an input that changes between validation and writing', () => {
  it('a property edited in the third record (a batch a record): the two batches before it land, the third never does', async () => {
    const source = changing(bundle([place('a'), place('b'), place('c')]), bundle([place('a'), place('b'), place('c', { name: 'edited' })]));
    await expect(importRecords(db, model, source, { batchSize: 1 })).rejects.toThrow(CHANGED);
    expect(await stored()).toEqual({ 'place:pass-a': 'a', 'place:pass-b': 'b' });
  });

  it('a property edited in the first record, in one batch: nothing is written', async () => {
    const source = changing(bundle([place('a'), place('b')]), bundle([place('a', { name: 'edited' }), place('b')]));
    await expect(importRecords(db, model, source)).rejects.toThrow(CHANGED);
    expect(await stored()).toEqual({});
  });

  it('a record added, or one taken away, or two swapped: refused, nothing written', async () => {
    const first = bundle([place('a'), place('b')]);
    for (const second of [bundle([place('a'), place('b'), place('c')]), bundle([place('a')]), bundle([place('b'), place('a')])]) {
      await expect(importRecords(db, model, changing(first, second))).rejects.toThrow(CHANGED);
      expect(await stored()).toEqual({});
    }
  });

  it('a record made invalid: refused, nothing written', async () => {
    const source = changing(bundle([place('a'), place('b')]), bundle([place('a'), place('b', { kind: 'NOT_A_KIND' })]));
    await expect(importRecords(db, model, source)).rejects.toThrow(CHANGED);
    expect(await stored()).toEqual({});
  });

  it('a repeat given in both reads is fine; a repeat that becomes a different record is refused', async () => {
    const withRepeat = bundle([place('a'), place('a'), place('b')]);
    const report = await importRecords(db, model, changing(withRepeat, withRepeat), { batchSize: 1 });
    expect(report).toMatchObject({ nodes: 2, nodesCreated: 2, batches: 2 });
    await db.autoCommit("MATCH (n:Place) WHERE n.id STARTS WITH 'place:pass-' DETACH DELETE n", {});
    const edited = bundle([place('a'), place('a', { name: 'edited' }), place('b')]);
    await expect(importRecords(db, model, changing(withRepeat, edited), { batchSize: 1 })).rejects.toThrow(CHANGED);
    expect(await stored()).toEqual({ 'place:pass-a': 'a' });
  });
});

describe('the write pass keeps no index of the records', () => {
  it('validation indexes each distinct record once; writing (in one pass, or nodes first then edges) indexes none', async () => {
    const add = vi.spyOn(DigestIndex.prototype, 'add');
    try {
      // edges before the nodes they join: written nodes first, then edges (two more reads of the input)
      const input = bundle([place('a'), place('b'), place('c'), place('b')], [partOf('b', 'a'), partOf('c', 'b'), partOf('a', 'place:russia'), partOf('c', 'b')]);
      let reads = 0;
      const edgesFirst: ImportSource = {
        read: function* () {
          reads++;
          const items = [...readBundleObject(input)];
          yield* items.filter((i) => i.kind === 'edge');
          yield* items.filter((i) => i.kind !== 'edge');
        },
      };
      const report = await importRecords(db, model, edgesFirst, { batchSize: 2 });
      expect(report).toMatchObject({ nodes: 3, edges: 3, nodesCreated: 3, edgesCreated: 3 });
      expect(reads).toBe(3);
      // 8 records, each given to the index once, all during validation
      expect(add).toHaveBeenCalledTimes(8);
      expect(await stored()).toEqual({ 'place:pass-a': 'a', 'place:pass-b': 'b', 'place:pass-c': 'c' });
    } finally {
      add.mockRestore();
    }
  });
});

describe('problems found after the last record are located by reading the input again', () => {
  it('a missing endpoint, a second parent and a loop name their records; the input is read once more for them, and no more', async () => {
    let reads = 0;
    const input = bundle([place('a'), place('b')], [partOf('a', 'b'), partOf('b', 'a'), partOf('a', 'nowhere')]);
    const source = { read: () => (reads++, readBundleObject(input)) };
    const error = await importRecords(db, model, source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleValidationError);
    const issues = (error as BundleValidationError).issues;
    expect(issues).toEqual([
      { path: 'edges[2].to', message: 'endpoint place:pass-nowhere is neither in the input nor in the database' },
      { path: 'edges[2].to', message: 'place:pass-a already has its parent (PART_OF place:pass-b) in this input; it can have only one' },
      { path: 'edges[1].to', message: 'place:pass-a is already part of place:pass-b: PART_OF would loop (place:pass-b → place:pass-a → place:pass-b)' },
    ]);
    expect(reads).toBe(2);
    expect(await stored()).toEqual({});
  });
});

describe('the write pass writes only what changes the stored graph', () => {
  it('a record equal to what is stored is neither logged nor written; a changed one is both, alone', async () => {
    const input = bundle([place('w1'), place('w2')], [partOf('w1', 'w2')]);
    await importRecords(db, model, { read: () => readBundleObject(input) });
    const sent: string[] = [];
    const off = db.onQuery((cypher) => sent.push(cypher));
    try {
      const again = await importRecords(db, model, { read: () => readBundleObject(input) });
      expect(again).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 });
      expect(sent.filter((c) => /\bMERGE\b|\bCREATE\b/.test(c))).toEqual([]);
      sent.length = 0;
      const edited = bundle([place('w1', { name: 'w1 renamed' }), place('w2')], [partOf('w1', 'w2')]);
      const report = await importRecords(db, model, { read: () => readBundleObject(edited) });
      expect(report).toMatchObject({ nodesCreated: 0, nodesUpdated: 1, edgesCreated: 0, edgesUpdated: 0 });
      const merges = sent.filter((c) => /\bMERGE\b/.test(c));
      expect(merges).toHaveLength(1);
      expect(merges[0]).toContain('MERGE (n:`Place`');
    } finally {
      off();
    }
    expect(await stored()).toMatchObject({ 'place:pass-w1': 'w1 renamed', 'place:pass-w2': 'w2' });
  });
});
