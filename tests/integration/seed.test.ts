import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEmpty, loadSample } from '../../src/sample/loadSample.js';
import { createHarness, model, type Harness } from '../harness.js';
import { sample } from '../sample.js';

/** Loading the sample is idempotent: the second load changes nothing, not even updatedAt. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

/** Every claimgraph node's id with its updatedAt, read straight from Neo4j. */
async function updatedAtById(): Promise<Map<string, string>> {
  const result = await h.db.read(
    'MATCH (n) WHERE n:Actor OR n:Unit OR n:Place OR n:Statement OR n:Source RETURN n.id AS id, toString(n.updatedAt) AS updatedAt',
  );
  return new Map(result.records.map((r) => [r.get('id') as string, r.get('updatedAt') as string]));
}

async function relationshipCount(): Promise<number> {
  const result = await h.db.read('MATCH ()-[r]->() RETURN count(r) AS n');
  return Number(result.records[0].get('n'));
}

describe('loading the sample twice', () => {
  it('the second load reports nothing created or updated, and no updatedAt moves', async () => {
    const before = await updatedAtById();
    expect(before.size).toBe(sample.nodes.length);
    for (const [id, updatedAt] of before) expect(updatedAt, id).toBeTruthy();

    const summary = await loadSample(h.db, model);
    expect(summary).toEqual({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 });

    const after = await updatedAtById();
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(before));
  });

  it('leaves exactly the sample: no duplicate nodes or edges', async () => {
    await loadSample(h.db, model);
    expect((await updatedAtById()).size).toBe(sample.nodes.length);
    expect(await relationshipCount()).toBe(sample.edges.length);
  });
});

describe('isEmpty', () => {
  it('is true after deleting everything and false after loading', async () => {
    expect(await isEmpty(h.db)).toBe(false);
    await h.db.write('MATCH (n) DETACH DELETE n');
    expect(await isEmpty(h.db)).toBe(true);

    const summary = await loadSample(h.db, model);
    expect(summary).toEqual({ nodesCreated: sample.nodes.length, nodesUpdated: 0, edgesCreated: sample.edges.length, edgesUpdated: 0 });
    expect(await isEmpty(h.db)).toBe(false);
  });
});
