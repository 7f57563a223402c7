import { afterAll, beforeAll, expect, it } from 'vitest';
import { profileHits } from '../profileHits.js';
import { createHarness, model, type Harness } from '../harness.js';
import { importBundle } from '../../src/bundle/importBundle.js';
import { REFRESH_AFTER_RECORDS } from '../../src/neo4j/plannerStatistics.js';

/**
 * A server's plans outlive a bulk load unless the import refreshes the planner's statistics: a date-ordered
 * page planned while the graph held the sample's few statements is a label scan and a sort, and stays one
 * for 3 000 imported statements until Neo4j next samples its indexes. The import refreshes them, so the same
 * page right after it reads the (statedAt…, id) index in order. Counted in database hits, not timed.
 */

let h: Harness;
const STATEMENTS = 3_000;
const PAGE = 10;
const PAGE_QUERY = `query { statements(first: ${PAGE}, orderBy: [{field: STATED_AT, direction: DESC}]) { edges { node { id } } } }`;

function bundleOf(statements: number) {
  const day = (i: number) => new Date(Date.UTC(2023, 0, 1) + ((i * 7919) % 700) * 86_400_000).toISOString().slice(0, 10);
  const nodes = [];
  const edges = [];
  for (let i = 0; i < statements; i++) {
    const id = `statement:bulk-${String(i).padStart(5, '0')}`;
    nodes.push({ label: 'Statement', id, properties: { text: `bulk claim ${i}`, kind: 'OTHER', statedAt: { start: day(i), end: day(i), precision: 'DAY' } } });
    edges.push({ type: 'MADE_BY', from: id, to: 'actor:russia', properties: {} });
    edges.push({ type: 'REPORTED_IN', from: id, to: 'source:report-kupyansk', properties: {} });
  }
  return { format: 'claimgraph-bundle', version: 1, nodes, edges };
}

/** Runs the page through the API and PROFILEs the one Cypher query it sent: its database hits. */
async function pageHits(): Promise<number> {
  const sent: Array<{ cypher: string; params: Record<string, unknown> }> = [];
  const off = h.db.onQuery((cypher, params) => sent.push({ cypher, params: params ?? {} }));
  try {
    await h.data(PAGE_QUERY);
  } finally {
    off();
  }
  expect(sent).toHaveLength(1);
  const hits = await profileHits(h.db, sent[0].cypher, sent[0].params);
  return hits;
}

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.db.write(`MATCH (s:Statement) WHERE s.id STARTS WITH 'statement:bulk-' DETACH DELETE s`);
  await h.close();
});

it('a bulk import leaves the planner ready for the grown graph: the next date-ordered page reads the index in order', async () => {
  expect(STATEMENTS * 3).toBeGreaterThan(REFRESH_AFTER_RECORDS);
  await h.data(PAGE_QUERY); // planned and cached against the sample
  const sent: string[] = [];
  const off = h.db.onQuery((cypher) => sent.push(cypher));
  let report;
  try {
    report = await importBundle(h.db, model, bundleOf(STATEMENTS));
  } finally {
    off();
  }
  expect(report.nodesCreated).toBe(STATEMENTS);
  expect(sent.some((c) => c.includes('db.prepareForReplanning'))).toBe(true);
  // A scan and a sort would read every statement (3 000 and more); the index read is a few per row.
  expect(await pageHits()).toBeLessThanOrEqual(6 * PAGE);
});

it('a small import leaves the plans alone', async () => {
  const sent: string[] = [];
  const off = h.db.onQuery((cypher) => sent.push(cypher));
  try {
    await importBundle(h.db, model, bundleOf(5));
  } finally {
    off();
  }
  expect(sent.some((c) => c.includes('db.prepareForReplanning'))).toBe(false);
});
