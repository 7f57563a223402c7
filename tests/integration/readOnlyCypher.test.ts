import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GraphQLFormattedError } from 'graphql';
import { createHarness, silentLog, testConfig, type Harness, TEST_ADMIN } from '../harness.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Context } from '../../src/context.js';
import { runInReadTransaction } from '../../src/domain/cypher/runReadOnlyCypher.js';

/**
 * Query.cypher against the real Neo4j: rows come back as JSON; anything that writes, loads, administers or
 * switches database is refused (by the lexical check before any session is opened, by EXPLAIN's query type,
 * by Neo4j's READ mode), and the database is unchanged afterwards; the endpoint is off by default.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());
afterEach(() => {
  vi.restoreAllMocks();
});

const on: Config = { ...testConfig, CLAIMGRAPH_CYPHER_ENDPOINT: 'on' };
const off: Config = { ...testConfig, CLAIMGRAPH_CYPHER_ENDPOINT: 'off' };

const CYPHER = `query($q: String!, $params: JSON) { cypher(query: $q, params: $params) { columns rows truncated } }`;

interface Outcome {
  data?: { cypher: { columns: string[]; rows: Array<Record<string, unknown>>; truncated: boolean } } | null;
  errors?: readonly GraphQLFormattedError[];
  /** Transactions opened and queries run through the shared Database while the operation ran. */
  sessions: number;
  queries: number;
}

async function cypher(q: string, params?: unknown, config: Config = on): Promise<Outcome> {
  let sessions = 0;
  let queries = 0;
  const stopSessions = h.db.onTransaction(() => {
    sessions++;
    return () => {};
  });
  const stop = h.db.onQuery(() => queries++);
  try {
    const contextValue: Context = { db: h.db.forRequest(), log: silentLog, config, principal: TEST_ADMIN };
    const response = await h.apollo.executeOperation({ query: CYPHER, variables: { q, params } }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { ...(response.body.singleResult as Outcome), sessions, queries };
  } finally {
    stop();
    stopSessions();
  }
}

/** Everything that could change: nodes, relationships, labels, properties, indexes and constraints. */
async function fingerprint(): Promise<unknown> {
  const data = await h.db.read(`
    MATCH (n) WITH count(n) AS nodes, sum(size(keys(n))) AS nodeProps, collect(DISTINCT labels(n)) AS labelSets
    CALL { MATCH ()-[r]->() RETURN count(r) AS rels, sum(size(keys(r))) AS relProps }
    CALL { CALL db.labels() YIELD label RETURN collect(label) AS allLabels }
    RETURN nodes, nodeProps, rels, relProps, labelSets, allLabels`);
  const indexes = await h.db.read('SHOW INDEXES YIELD name RETURN collect(name) AS indexes');
  const constraints = await h.db.read('SHOW CONSTRAINTS YIELD name RETURN collect(name) AS constraints');
  return { ...data.records[0].toObject(), ...indexes.records[0].toObject(), ...constraints.records[0].toObject() };
}

describe('rows', () => {
  it('come back as JSON objects keyed by column, with Neo4j types converted', async () => {
    const { data, errors } = await cypher(
      `MATCH p = (s:Statement {id: $id})-[r:MADE_BY]->(a:Actor)
       MATCH (k:Place {id: 'place:kupyansk'})
       RETURN s.id AS id, s.statedAtStart AS day, count { (s)-[:REPORTED_IN]->() } AS sources, a AS speaker, r, p,
              k.location AS location, datetime('2024-12-16T10:00:00Z') AS at, 1.5 AS ratio, null AS nothing`,
      { id: 'statement:wgf-full-control-2024-12-16' },
    );
    expect(errors).toBeUndefined();
    const { columns, rows, truncated } = data!.cypher;
    expect(columns).toEqual(['id', 'day', 'sources', 'speaker', 'r', 'p', 'location', 'at', 'ratio', 'nothing']);
    expect(truncated).toBe(false);
    expect(rows).toHaveLength(1);
    const row = rows[0] as any;
    expect(row.id).toBe('statement:wgf-full-control-2024-12-16');
    expect(row.day).toBe('2024-12-16');
    expect(row.sources).toBe(5);
    expect(row.speaker).toMatchObject({ id: 'actor:leonid-sharov', labels: ['Actor'], properties: { name: 'Leonid Sharov', kind: 'PERSON' } });
    expect(row.r).toEqual({ type: 'MADE_BY', properties: {} });
    expect(row.p.map((x: any) => x.id ?? x.type)).toEqual(['statement:wgf-full-control-2024-12-16', 'MADE_BY', 'actor:leonid-sharov']);
    expect(row.location).toEqual({ latitude: expect.closeTo(49.71, 1), longitude: expect.closeTo(37.62, 1) });
    expect(row.at).toBe('2024-12-16T10:00:00Z');
    expect(row.ratio).toBe(1.5);
    expect(row.nothing).toBeNull();
  });

  it('take whole-number params as integers, and read-only procedures', async () => {
    const limited = await cypher('MATCH (n:Place) RETURN n.id AS id ORDER BY id LIMIT $n', { n: 3 });
    expect(limited.data!.cypher.rows).toEqual([{ id: 'place:kharkiv' }, { id: 'place:kharkiv-province' }, { id: 'place:kupyansk' }]);
    const search = await cypher(
      "CALL db.index.fulltext.queryNodes('claimgraph_text', $q) YIELD node, score RETURN node.id AS id ORDER BY score DESC LIMIT 1",
      { q: 'Kupiansk' },
    );
    expect(search.data!.cypher.rows).toEqual([{ id: 'place:kupyansk' }]);
    const labels = await cypher('CALL db.labels() YIELD label RETURN label ORDER BY label');
    expect(labels.data!.cypher.rows.map((r) => r.label)).toEqual(expect.arrayContaining(['Actor', 'Place', 'Source', 'Statement', 'Unit']));
  });

  it('stop at the row cap, marked truncated', async () => {
    const capped = await cypher('UNWIND range(1, 100000) AS x RETURN x', undefined, { ...on, CLAIMGRAPH_CYPHER_MAX_ROWS: 3 });
    expect(capped.data!.cypher).toEqual({ columns: ['x'], rows: [{ x: 1 }, { x: 2 }, { x: 3 }], truncated: true });
    const exact = await cypher('UNWIND range(1, 3) AS x RETURN x', undefined, { ...on, CLAIMGRAPH_CYPHER_MAX_ROWS: 3 });
    expect(exact.data!.cypher.truncated).toBe(false);
    const byDefault = await cypher('UNWIND range(1, 5000) AS x RETURN x');
    expect(byDefault.data!.cypher.rows).toHaveLength(1000);
    expect(byDefault.data!.cypher.truncated).toBe(true);
  });

  it('stop at the timeout, as bad input', async () => {
    const started = Date.now();
    const slow = await cypher('UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n', undefined, { ...on, CLAIMGRAPH_CYPHER_TIMEOUT_MS: 500 });
    expect(slow.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'query' });
    expect(slow.errors?.[0].message).toContain('500 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('refusals', () => {
  const lexical = [
    'CREATE (n:Intruder {id: "x"}) RETURN n',
    'MERGE (n:Place {id: "place:kupyansk"}) RETURN n',
    'MATCH (n:Place {id: "place:kupyansk"}) SET n.name = "x" RETURN n',
    'MATCH (n:Place {id: "place:kupyansk"}) DELETE n',
    'MATCH (n) DETACH DELETE n',
    'MATCH (n:Place) REMOVE n.name',
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "CALL apoc.export.csv.all('dump.csv', {})",
    "CALL apoc.load.json('https://example.com/x.json')",
    'CALL dbms.components()',
    'CALL dbms.listConfig()',
    'CALL db.createLabel("Intruder")',
    'CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS',
    'MATCH (n) CALL (n) { SET n.x = 1 } IN TRANSACTIONS OF 10 ROWS',
    'SHOW USERS',
    'SHOW TRANSACTIONS',
    'USE system SHOW DATABASES',
    'CREATE INDEX intruder FOR (n:Place) ON (n.kind)',
    'DROP INDEX place_name',
    'DROP CONSTRAINT place_id_unique',
    'CALL `dbms`.`components`()',
    "load /* sneaky */ csv FROM 'file:///etc/passwd' AS l RETURN l",
  ];

  it('refuses writes, loads, administration and outside procedures before opening any session', async () => {
    const before = await fingerprint();
    for (const q of lexical) {
      const outcome = await cypher(q);
      expect(outcome.errors?.[0].extensions, q).toMatchObject({ code: 'FORBIDDEN', argument: 'query' });
      expect(outcome.data, q).toBeNull();
      expect(outcome.sessions, q).toBe(0);
      expect(outcome.queries, q).toBe(0);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("refuses by EXPLAIN's query type what the lexical check lets through, before running it", async () => {
    const before = await fingerprint();
    const ctx: Context = { db: h.db, log: silentLog, config: on, principal: TEST_ADMIN };
    for (const q of ['CREATE (n:Intruder)', 'MATCH (n:Place) SET n.name = "x"', 'CALL db.createLabel("Intruder")']) {
      const error = await runInReadTransaction(ctx, q, {}).then(
        () => null,
        (e) => e,
      );
      expect(error?.extensions, q).toMatchObject({ code: 'FORBIDDEN', argument: 'query' });
      expect(error.message).toMatch(/writes/);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("refuses in Neo4j's READ mode what both checks would miss", async () => {
    const before = await fingerprint();
    const ctx: Context = { db: h.db, log: silentLog, config: on, principal: TEST_ADMIN };
    for (const q of ['CREATE (n:Intruder)', 'MATCH (n:Place) SET n.name = "x"', 'CALL db.createLabel("Intruder")']) {
      const error = await runInReadTransaction(ctx, q, {}, { explain: false }).then(
        () => null,
        (e) => e,
      );
      expect(error?.extensions, q).toMatchObject({ code: 'FORBIDDEN', argument: 'query' });
      expect(error.message).toContain('Writing in read access mode not allowed');
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('reports Cypher errors as bad input with Neo4j message, at the position in the query as sent', async () => {
    const syntax = await cypher('MATCH (n RETURN n');
    expect(syntax.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
    expect(syntax.errors?.[0].message).toContain("Invalid input 'RETURN'");
    expect(syntax.errors?.[0].message).toContain('(line 1, column 10 (offset: 9))');
    expect(syntax.errors?.[0].message).not.toContain('EXPLAIN');
    const missing = await cypher('RETURN $x AS x');
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'params' });
    const runtime = await cypher('RETURN 1 / 0 AS x');
    expect(runtime.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'query' });
    const params = await cypher('RETURN 1 AS x', [1, 2]);
    expect(params.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'params' });
    expect(params.sessions).toBe(0);
  });
});

describe('configuration', () => {
  it('is off by default, and then FORBIDDEN with how to turn it on, before any session', async () => {
    expect(loadConfig({}).CLAIMGRAPH_CYPHER_ENDPOINT).toBe('off');
    expect(loadConfig({}).CLAIMGRAPH_CYPHER_TIMEOUT_MS).toBe(5000);
    expect(loadConfig({}).CLAIMGRAPH_CYPHER_MAX_ROWS).toBe(1000);
    const outcome = await cypher('RETURN 1 AS one', undefined, off);
    expect(outcome.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN' });
    expect(outcome.errors?.[0].message).toContain('CLAIMGRAPH_CYPHER_ENDPOINT=on');
    expect(outcome.sessions).toBe(0);
  });

  it('refuses values outside the allowed ones', () => {
    expect(() => loadConfig({ CLAIMGRAPH_CYPHER_ENDPOINT: 'yes' })).toThrow(/CLAIMGRAPH_CYPHER_ENDPOINT/);
    expect(() => loadConfig({ CLAIMGRAPH_CYPHER_TIMEOUT_MS: '10' })).toThrow(/CLAIMGRAPH_CYPHER_TIMEOUT_MS/);
    expect(loadConfig({ CLAIMGRAPH_CYPHER_ENDPOINT: 'on', CLAIMGRAPH_CYPHER_MAX_ROWS: '50' })).toMatchObject({ CLAIMGRAPH_CYPHER_ENDPOINT: 'on', CLAIMGRAPH_CYPHER_MAX_ROWS: 50 });
  });
});
