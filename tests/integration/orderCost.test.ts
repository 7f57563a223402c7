import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import neo4j from 'neo4j-driver';
import { profileHits } from '../profileHits.js';
import { createHarness, type Harness } from '../harness.js';
import { refreshPlannerStatistics } from '../../src/neo4j/plannerStatistics.js';

/**
 * What a page costs, counted rather than timed: the Cypher the server plans for a request is captured as it
 * is sent, then run again under PROFILE, and its database hits summed. Over 60 000 generated statements, a
 * page of 20 in statedAt order costs a small multiple of 20 hits, first page or a page after the 50 000th,
 * ascending or descending, at the root and under a place that a ninth of all statements are about; and the
 * answer is the order computed by plain Cypher (the cost bound would mean nothing for a wrong page).
 */

let h: Harness;

const STATEMENTS = 60_000;
const PAGE = 20;
/**
 * Bounds, in database hits per row of the page. A root page reads an index entry and a property or two per
 * row (about 2–3 measured); under the dense place, one index entry in nine is about it and each is checked
 * against the statement's own relationships (about 50 per row measured); a typical place reads its 60
 * relationships and sorts them. Before index-backed order these were 400 000-odd hits at the root and
 * 40 000 under the dense place.
 */
const ROOT_HITS_PER_ROW = 4;
const DENSE_HITS_PER_ROW = 63;
const TYPICAL_HITS_PER_RELATIONSHIP = 10;
const DENSE = 'place:cost-dense';
const TYPICAL = 'place:cost-typical';

beforeAll(async () => {
  h = await createHarness();
  // Reads of the small sample first, as earlier files of a full run make: their plans are cached.
  for (const direction of ['ASC', 'DESC'] as const) {
    await h.data(ROOT, { direction });
    await h.data(NESTED, { direction, place: TYPICAL });
  }
  await h.db.write(`CREATE (:Place {id: $dense, name: 'Dense', kind: 'CITY'}), (:Place {id: $typical, name: 'Typical', kind: 'VILLAGE'})`, {
    dense: DENSE,
    typical: TYPICAL,
  });
  // Days spread over three years, out of id order; spans of 0–2 days; credibility on half of them.
  for (let from = 0; from < STATEMENTS; from += 10_000) {
    await h.db.write(
      `UNWIND range($from, $to) AS i
       CREATE (s:Statement {id: 'statement:cost-' + right('00000' + toString(i), 6), text: 'claim ' + toString(i), kind: 'CONTROL',
         statedAtStart: date('2022-01-01') + duration({days: (i * 7919) % 1000}), statedAtPrecision: 'DAY'})
       SET s.statedAtEnd = s.statedAtStart + duration({days: i % 3}),
           s.credibility = CASE WHEN i % 2 = 0 THEN null ELSE 1 + i % 6 END
       WITH s, i
       MATCH (d:Place {id: $dense}), (t:Place {id: $typical})
       FOREACH (_ IN CASE WHEN i % 9 = 0 THEN [1] ELSE [] END | CREATE (s)-[:ABOUT {role: 'LOCATION'}]->(d))
       FOREACH (_ IN CASE WHEN i % 1000 = 7 THEN [1] ELSE [] END | CREATE (s)-[:ABOUT {role: 'LOCATION'}]->(t))`,
      { from: neo4j.int(from), to: neo4j.int(Math.min(from + 10_000, STATEMENTS) - 1), dense: DENSE, typical: TYPICAL },
      { deadline: 'migration' },
    );
  }
  await h.db.write('CALL db.awaitIndexes(300)', {}, { deadline: 'migration' });
  // As an import of this size does: without it, plans cached from earlier reads of the small sample (a
  // label scan and a sort) would outlive the load until Neo4j next samples its indexes.
  expect(await refreshPlannerStatistics(h.db)).toBe(true);
}, 600_000);
afterAll(async () => {
  // In transactions of their own: the next test file empties the database in one, under a query's deadline.
  await h.db.autoCommit(
    `MATCH (s:Statement) WHERE s.id STARTS WITH 'statement:cost-' CALL { WITH s DETACH DELETE s } IN TRANSACTIONS OF 5000 ROWS`,
    {},
    { deadline: 'migration' },
  );
  await h.close();
}, 600_000);

/** Sends `query` through the API, then PROFILEs the one Cypher query it sent: its data and db hits. */
async function profiled(query: string, variables: Record<string, unknown> = {}) {
  const sent: Array<{ cypher: string; params: Record<string, unknown> }> = [];
  const off = h.db.onQuery((cypher, params) => sent.push({ cypher, params: params ?? {} }));
  let result;
  try {
    result = await h.run(query, variables);
  } finally {
    off();
  }
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  expect(sent).toHaveLength(1);
  const hits = await profileHits(h.db, sent[0].cypher, sent[0].params);
  if (process.env.SHOW_COST) console.log(hits, sent[0].cypher, JSON.stringify(sent[0].params));
  return { data: result.data, hits, cypher: sent[0].cypher };
}

/** The ids of statements in statedAt order (ties by id in the same direction), by plain Cypher, from `skip`. */
async function expectedIds(direction: 'ASC' | 'DESC', skip: number, about?: string) {
  const match = about ? `MATCH (s:Statement)-[:ABOUT]->(:Place {id: $about})` : `MATCH (s:Statement)`;
  const result = await h.db.read(
    `${match} RETURN s.id AS id ORDER BY s.statedAtStart ${direction}, s.statedAtEnd ${direction}, s.id ${direction} SKIP $skip LIMIT $limit`,
    { about: about ?? null, skip: neo4j.int(skip), limit: neo4j.int(PAGE) },
  );
  return result.records.map((r) => r.get('id') as string);
}

const ROOT = `query ($after: String, $direction: OrderDirection!) {
  statements(first: ${PAGE}, after: $after, orderBy: [{field: STATED_AT, direction: $direction}]) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id } }
  }
}`;

const NESTED = `query ($place: ID!, $after: String, $direction: OrderDirection!) {
  place(id: $place) {
    statements(first: ${PAGE}, after: $after, orderBy: [{field: STATED_AT, direction: $direction}]) {
      pageInfo { hasNextPage endCursor }
      edges { cursor role node { id } }
    }
  }
}`;

const ids = (connection: { edges: Array<{ node: { id: string } }> }) => connection.edges.map((e) => e.node.id);

describe.each(['DESC', 'ASC'] as const)('statements ordered by statedAt %s', (direction) => {
  it('the first page reads the index in order: a few hits per row', async () => {
    const { data, hits } = await profiled(ROOT, { direction });
    expect(ids(data.statements)).toEqual(await expectedIds(direction, 0));
    expect(hits).toBeLessThanOrEqual(ROOT_HITS_PER_ROW * PAGE);
  });

  it('a page after the 50 000th costs what the first costs', async () => {
    // A real cursor for the 50 000th statement, taken from a list filtered down to it: the order is the same.
    const [at] = await expectedIds(direction, 49_999);
    const one = await h.data(`query ($id: ID!, $direction: OrderDirection!) {
      statements(first: 1, where: {id: {eq: $id}}, orderBy: [{field: STATED_AT, direction: $direction}]) { edges { cursor } }
    }`, { id: at, direction });
    const after = one.statements.edges[0].cursor;
    const { data, hits } = await profiled(ROOT, { direction, after });
    expect(ids(data.statements)).toEqual(await expectedIds(direction, 50_000));
    expect(hits).toBeLessThanOrEqual(ROOT_HITS_PER_ROW * PAGE);
  });

  it('a dense place (a ninth of all statements): first and deep page walk the index, not the place', async () => {
    const first = await profiled(NESTED, { place: DENSE, direction });
    expect(ids(first.data.place.statements)).toEqual(await expectedIds(direction, 0, DENSE));
    // Walking the statedAt index, one row in nine is about the place: a bounded multiple of the page.
    expect(first.hits).toBeLessThanOrEqual(DENSE_HITS_PER_ROW * PAGE);

    // Deep: after the 5 000th of its 6 667 statements, by that row's cursor.
    const all = await h.db.read(
      `MATCH (s:Statement)-[r:ABOUT]->(:Place {id: $place}) RETURN s.id AS id
       ORDER BY s.statedAtStart ${direction}, s.statedAtEnd ${direction}, s.id ${direction} SKIP 4999 LIMIT 1`,
      { place: DENSE },
    );
    const cursorOf = await h.data(`query ($id: ID!, $place: ID!, $direction: OrderDirection!) {
      place(id: $place) { statements(first: 1, where: {node: {id: {eq: $id}}}, orderBy: [{field: STATED_AT, direction: $direction}]) { edges { cursor } } }
    }`, { id: all.records[0].get('id'), place: DENSE, direction });
    const deep = await profiled(NESTED, { place: DENSE, direction, after: cursorOf.place.statements.edges[0].cursor });
    expect(ids(deep.data.place.statements)).toEqual(await expectedIds(direction, 5_000, DENSE));
    expect(deep.hits).toBeLessThanOrEqual(DENSE_HITS_PER_ROW * PAGE);
  });

  it('a typical place (60 statements) expands its own relationships rather than walk the index', async () => {
    const { data, hits } = await profiled(NESTED, { place: TYPICAL, direction });
    expect(ids(data.place.statements)).toEqual(await expectedIds(direction, 0, TYPICAL));
    expect(data.place.statements.pageInfo.hasNextPage).toBe(true);
    expect(hits).toBeLessThanOrEqual(TYPICAL_HITS_PER_RELATIONSHIP * 60);
  });
});

describe('credibility, which half the statements lack', () => {
  it.each(['ASC', 'DESC'] as const)('%s: the first page reads the (credibility, id) index, the missing ones are not read', async (direction) => {
    const { data, hits } = await profiled(
      `query ($direction: OrderDirection!) { statements(first: ${PAGE}, orderBy: [{field: CREDIBILITY, direction: $direction}]) { edges { node { id } } } }`,
      { direction },
    );
    const expected = await h.db.read(
      `MATCH (s:Statement) WHERE s.credibility IS NOT NULL RETURN s.id AS id ORDER BY s.credibility ${direction}, s.id ${direction} LIMIT $limit`,
      { limit: neo4j.int(PAGE) },
    );
    expect(ids(data.statements)).toEqual(expected.records.map((r) => r.get('id')));
    expect(hits).toBeLessThanOrEqual(ROOT_HITS_PER_ROW * PAGE);
  });
});
