import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectTestDatabase, model, resetToSample } from '../harness.js';
import type { Database } from '../../src/neo4j/database.js';
import { importRecords, type ImportSource } from '../../src/bundle/importBundle.js';
import { BundleValidationError, readBundleObject } from '../../src/bundle/bundleSchema.js';
import { DigestIndex } from '../../src/bundle/digestIndex.js';
import { RecordSpill, SPILL_CHUNK } from '../../src/bundle/recordSpill.js';
import { existsSync } from 'node:fs';
import { profileHits } from '../profileHits.js';
import { SEPARATOR } from '../../src/neo4j/joinedStrings.js';

/**
 * The importer reads its input once, to validate it, and writes what validation accepted from where it
 * kept it (a temporary file, a chunk in memory): an input that changes after it was read changes nothing
 * that is written. A refusal reads the input once more, to locate its problems.
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

describe('an input that changes after validation', () => {
  it('is read once: what validation accepted is written, batch after batch, whatever the input says by then', async () => {
    const source = changing(bundle([place('a'), place('b'), place('c')]), bundle([place('a'), place('b'), place('c', { name: 'edited' }), place('d')]));
    const report = await importRecords(db, model, source, { batchSize: 1 });
    expect(report).toMatchObject({ nodes: 3, nodesCreated: 3, batches: 3 });
    expect(source.count).toBe(1);
    expect(await stored()).toEqual({ 'place:pass-a': 'a', 'place:pass-b': 'b', 'place:pass-c': 'c' });
  });

  it('an input made invalid after validation is still written as validated', async () => {
    const source = changing(bundle([place('a'), place('b')]), bundle([place('a'), place('b', { kind: 'NOT_A_KIND' })]));
    await importRecords(db, model, source);
    expect(source.count).toBe(1);
    expect(await stored()).toEqual({ 'place:pass-a': 'a', 'place:pass-b': 'b' });
  });

  it('a repeat is written once, from the first time it was given', async () => {
    const report = await importRecords(db, model, changing(bundle([place('a'), place('a'), place('b')])), { batchSize: 1 });
    expect(report).toMatchObject({ nodes: 2, nodesCreated: 2, batches: 2 });
    expect(await stored()).toEqual({ 'place:pass-a': 'a', 'place:pass-b': 'b' });
  });

  it('more records than the importer holds in memory (chunks on disk) are all written, from a file that has no name', async () => {
    const names = Array.from({ length: SPILL_CHUNK * 2 + 7 }, (_, i) => `n${i}`);
    // every place but the first is part of the first: edges after their nodes, one pass
    const input = bundle(names.map((n) => place(n)), names.slice(1).map((n) => partOf(n, names[0])));
    const original = RecordSpill.prototype.close;
    const closed: Array<{ bytes: number; named: boolean }> = [];
    const close = vi.spyOn(RecordSpill.prototype, 'close').mockImplementation(function (this: RecordSpill) {
      closed.push({ bytes: this.bytes, named: this.path !== null && existsSync(this.path) });
      original.call(this);
    });
    try {
      const report = await importRecords(db, model, changing(input));
      expect(report).toMatchObject({ nodes: names.length, edges: names.length - 1, nodesCreated: names.length, edgesCreated: names.length - 1 });
    } finally {
      close.mockRestore();
    }
    expect(closed).toEqual([{ bytes: expect.any(Number), named: false }]);
    expect(closed[0].bytes).toBeGreaterThan(0);
    const star = await db.read(
      "MATCH (n:Place) WHERE n.id STARTS WITH 'place:pass-n' OPTIONAL MATCH (n)-[:PART_OF]->(p:Place {id: 'place:pass-n0'}) RETURN count(n) AS nodes, count(p) AS parts",
      {},
    );
    expect([Number(star.records[0].get('nodes')), Number(star.records[0].get('parts'))]).toEqual([names.length, names.length - 1]);
  });
});

describe('a dry run', () => {
  it('validates, writes nothing and keeps nothing for writing', async () => {
    const add = vi.spyOn(RecordSpill.prototype, 'add');
    try {
      const names = Array.from({ length: SPILL_CHUNK + 1 }, (_, i) => `d${i}`);
      const report = await importRecords(db, model, changing(bundle(names.map((n) => place(n)))), { dryRun: true });
      expect(report).toMatchObject({ nodes: names.length, nodesCreated: 0, batches: 0 });
      expect(add).not.toHaveBeenCalled();
    } finally {
      add.mockRestore();
    }
    expect(await stored()).toEqual({});
  });
});

describe('batches overlap', () => {
  it('a batch reads while the one before it writes, and writes once that one has committed: a chain a record a batch lands whole', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    // each edge comes in the batch after the nodes it joins, which is still being written when it starts
    const input = bundle(names.map((n) => place(n)), names.slice(1).map((n, i) => partOf(n, names[i])));
    let open = 0;
    let most = 0;
    const off = db.onTransaction(({ mode, metadata }) => {
      if (mode !== 'WRITE' || metadata.via !== 'import') return () => {};
      most = Math.max(most, ++open);
      return () => void open--;
    });
    try {
      const report = await importRecords(db, model, changing(input), { batchSize: 1, who: 'overlap' });
      expect(report).toMatchObject({ nodesCreated: 6, edgesCreated: 5, batches: 11 });
    } finally {
      off();
    }
    expect(most).toBe(2);
    const chain = await db.read(
      "MATCH p = (:Place {id: 'place:pass-f'})-[:PART_OF*]->(:Place {id: 'place:pass-a'}) RETURN [n IN nodes(p) | n.name] AS names",
      {},
    );
    expect(chain.records.map((r) => r.get('names'))).toEqual([[...names].reverse()]);
    // logged once each, in the order written
    const logged = await db.read(
      "MATCH (s:ChangeSet {who: 'overlap'}) UNWIND range(0, size(s.ops) - 1) AS i WITH s, i ORDER BY s.at, s.transactionId, i RETURN collect(s.ops[i] + ' ' + s.entityIds[i]) AS entries",
      {},
    );
    expect(logged.records[0].get('entries')).toEqual([
      ...names.map((n) => `CREATE place:pass-${n}`),
      ...names.slice(1).map((n) => `LINK place:pass-${n}`),
    ]);
  });
});

describe('what a batch reads before it writes', () => {
  it('the look-up of stored relationships seeks each row\'s node by id: a small multiple of the rows in db hits, however many nodes the label has', async () => {
    const names = Array.from({ length: 1500 }, (_, i) => `s${i}`);
    const input = bundle(names.map((n) => place(n)), names.slice(1).map((n) => partOf(n, names[0])));
    await importRecords(db, model, changing(input));
    // again: every record is stored, so every relationship is looked up (none has an end the batch creates)
    const sent: Array<{ cypher: string; params: Record<string, unknown> }> = [];
    const off = db.onQuery((cypher, params) => sent.push({ cypher, params }));
    try {
      const report = await importRecords(db, model, changing(input));
      expect(report).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 });
    } finally {
      off();
    }
    const lookUps = sent.filter((q) => /-\[r:`PART_OF`\]->\(b\)/.test(q.cypher));
    expect(lookUps).toHaveLength(1);
    // the ends go as one string each (joinedStrings.ts)
    const rows = (lookUps[0].params.froms as string).split(SEPARATOR).length;
    expect(rows).toBe(names.length - 1);
    const hits = await profileHits(db, lookUps[0].cypher, lookUps[0].params);
    // a seek, one relationship and its far end per row: 6 a row here (a scan of the label would be 1,500 a row)
    expect(hits).toBeLessThan(20 * rows);
  });
});

describe('what a batch writes', () => {
  it('every upsert, and every look-up before it, finds its nodes by an index seek on id, with ids sent as one string', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `w${i}`);
    const input = bundle(names.map((n) => place(n)), names.slice(1).map((n) => partOf(n, names[0])));
    const sent: Array<{ cypher: string; params: Record<string, unknown> }> = [];
    const off = db.onQuery((cypher, params) => sent.push({ cypher, params }));
    try {
      await importRecords(db, model, changing(input));
      // a second time with a change: the reads find every record stored, and the upserts update
      await importRecords(db, model, changing(bundle(names.map((n) => place(n, { areaKm2: 7.5 })), names.slice(1).map((n) => partOf(n, names[0])))));
    } finally {
      off();
    }
    const batchQueries = sent.filter((q) => /split\(\$(ids|froms), \$separator\)/.test(q.cypher));
    // nodes read and upserted twice; edges upserted once (the second time they are unchanged) and read once
    // (the first time their ends are new)
    expect(batchQueries.filter((q) => q.cypher.includes('MERGE (n:`Place`')).length).toBe(2);
    expect(batchQueries.filter((q) => q.cypher.includes('MERGE (a)-[r:`PART_OF`]->(b)')).length).toBe(1);
    expect(batchQueries.filter((q) => q.cypher.includes('properties(n)')).length).toBe(2);
    expect(batchQueries.filter((q) => q.cypher.includes('properties(r)')).length).toBe(1);
    for (const q of batchQueries) {
      for (const name of ['ids', 'froms', 'tos']) if (name in q.params) expect(typeof q.params[name]).toBe('string');
      const plan = await db.write(`EXPLAIN ${q.cypher}`, q.params);
      const operators: string[] = [];
      const walk = (p: { operatorType: string; children: unknown[] }) => {
        operators.push(p.operatorType.replace(/@.*/, ''));
        for (const child of p.children) walk(child as typeof p);
      };
      walk(plan.summary.plan as unknown as { operatorType: string; children: unknown[] });
      expect(operators.some((o) => /IndexSeek/.test(o)), `${q.cypher}: ${operators.join(', ')}`).toBe(true);
      expect(operators.filter((o) => /LabelScan|AllNodesScan|IndexScan/.test(o)), q.cypher).toEqual([]);
    }
    const areas = await db.read("MATCH (n:Place) WHERE n.id STARTS WITH 'place:pass-w' RETURN collect(DISTINCT n.areaKm2) AS areas", {});
    expect(areas.records[0].get('areas')).toEqual([7.5]);
  });
});

describe('the write pass keeps no index of the records', () => {
  it('validation indexes each distinct record once; writing (in one pass, or nodes first then edges) indexes none', async () => {
    const add = vi.spyOn(DigestIndex.prototype, 'add');
    try {
      // edges before the nodes they join: written nodes first, then edges (from what validation kept)
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
      expect(reads).toBe(1);
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
