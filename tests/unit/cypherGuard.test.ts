import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import neo4j from 'neo4j-driver';
import { checkReadOnlyCypher, stripCypher } from '../../src/domain/cypher/cypherGuard.js';
import { cypherParams, toJson } from '../../src/domain/cypher/cypherJson.js';
import { withoutExplainPrefix } from '../../src/domain/cypher/runReadOnlyCypher.js';

function verdict(query: string): { code: unknown; argument: unknown } | 'ok' {
  try {
    checkReadOnlyCypher(query);
    return 'ok';
  } catch (error) {
    const { code, argument } = (error as GraphQLError).extensions;
    return { code, argument };
  }
}

const FORBIDDEN = { code: 'FORBIDDEN', argument: 'query' };

describe('stripCypher', () => {
  it('removes comments, empties strings, unquotes names as plain words', () => {
    const squeezed = (query: string) => stripCypher(query).replace(/\s+/g, ' ').trim();
    expect(squeezed("MATCH (n) // CREATE\nWHERE n.name = 'CREATE (x)' /* DELETE */ RETURN n")).toBe("MATCH (n) WHERE n.name = '' RETURN n");
    expect(squeezed('CALL`dbms`.`components`()')).toBe('CALL dbms . components ()');
    expect(squeezed('RETURN "a\\"b" AS `odd name`')).toBe('RETURN "" AS odd_name');
  });
});

describe('checkReadOnlyCypher', () => {
  it.each([
    'MATCH (n:Place) RETURN n.name ORDER BY n.name LIMIT 5',
    "MATCH (s:Statement) WHERE s.text CONTAINS 'CREATE' RETURN s // DELETE later",
    'MATCH (n) WHERE n.set = 1 OR n:Set RETURN {create: n.id, delete: 1} AS m, $merge AS p',
    'MATCH p = shortestPath((a)-[*..4]-(b)) RETURN p',
    "CALL db.index.fulltext.queryNodes('claimgraph_text', 'kupyansk') YIELD node RETURN node.id",
    'CALL db.labels() YIELD label RETURN label',
    'MATCH (n) CALL (n) { MATCH (n)--(m) RETURN count(m) AS degree } RETURN n.id, degree',
    'MATCH (n) CALL { WITH n RETURN 1 AS one } RETURN one',
    'RETURN db.nameFromElementId("x") AS name',
    'MATCH (n) RETURN n;',
  ])('lets a read through: %s', (query) => {
    expect(verdict(query)).toBe('ok');
  });

  it.each([
    'CREATE (n:X)',
    'MERGE (n:X {id: 1})',
    'MATCH (n) SET n.x = 1',
    'MATCH (n) DELETE n',
    'MATCH (n) DETACH DELETE n',
    'MATCH (n) REMOVE n.x',
    'MATCH (n) FOREACH (x IN [1] | SET n.x = x)',
    'INSERT (n:X)',
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "load/* hidden */csv FROM 'https://example.com/x.csv' AS line RETURN line",
    'USE system MATCH (n) RETURN n',
    'CALL { MATCH (n) RETURN n } IN TRANSACTIONS RETURN 1',
    'MATCH (n) CALL (n) { SET n.x = 1 } IN TRANSACTIONS OF 10 ROWS',
    'SHOW USERS',
    'show databases',
    'DROP INDEX place_name',
    'CREATE INDEX x FOR (n:A) ON (n.b)',
    'ALTER USER neo4j SET PASSWORD "x"',
    'GRANT ROLE admin TO someone',
    'TERMINATE TRANSACTIONS "neo4j-transaction-1"',
    'START DATABASE neo4j',
    'STOP DATABASE neo4j',
    'CALL dbms.components()',
    'CALL dbms.security.createUser("a", "b")',
    'CALL `dbms`.`components`()',
    'CALL`dbms`.components()',
    'CALL db.createLabel("X")',
    'CALL db.index.fulltext.createNodeIndex("x", ["A"], ["b"])',
    'CALL db.clearQueryCaches()',
    'CALL apoc.export.csv.all("x.csv", {})',
    "CALL apoc.load.json('https://example.com')",
    'CALL apoc.periodic.iterate("MATCH (n) RETURN n", "SET n.x = 1", {})',
    'CALL apoc.cypher.runWrite("CREATE (n)", {})',
    'CALL gds.graph.project("g", "Place", "PART_OF")',
    'CALL gds.pageRank.write("g", {writeProperty: "pr"})',
    'CALL tx.setMetaData({a: 1})',
    'RETURN apoc.cypher.runFirstColumnSingle("MATCH (n) RETURN n", {}) AS x',
    'MATCH (n) WHERE n:`` SET n.x = 1',
  ])('refuses, naming `query`: %s', (query) => {
    expect(verdict(query)).toEqual(FORBIDDEN);
  });

  it('refuses several statements and preparser options as bad input', () => {
    expect(verdict('MATCH (n) RETURN n; MATCH (m) RETURN m')).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
    expect(verdict('EXPLAIN MATCH (n) RETURN n')).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
    expect(verdict('CYPHER runtime=slotted MATCH (n) RETURN n')).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
    expect(verdict('   ')).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
  });
});

describe('withoutExplainPrefix', () => {
  it("reports a syntax error's position in the query as sent", () => {
    const message = 'Invalid input \'RETURN\': expected a graph pattern (line 1, column 18 (offset: 17))\n"EXPLAIN MATCH (n RETURN"\n                  ^';
    expect(withoutExplainPrefix(message)).toBe('Invalid input \'RETURN\': expected a graph pattern (line 1, column 10 (offset: 9))\n"MATCH (n RETURN"\n          ^');
  });
});

describe('cypher JSON', () => {
  it('sends whole numbers as integers, and refuses params that are not an object', () => {
    const params = cypherParams({ n: 5, x: 1.5, list: [1, 'a'], map: { k: 2 } });
    expect(neo4j.isInt(params.n)).toBe(true);
    expect(params.x).toBe(1.5);
    expect(neo4j.isInt((params.list as unknown[])[0])).toBe(true);
    expect(neo4j.isInt((params.map as Record<string, unknown>).k)).toBe(true);
    expect(cypherParams(null)).toEqual({});
    for (const bad of [[1], 'x', 3]) {
      try {
        cypherParams(bad);
        throw new Error('expected an error');
      } catch (error) {
        expect((error as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'params' });
      }
    }
  });

  it('turns Neo4j values into JSON', () => {
    expect(toJson(neo4j.int(42))).toBe(42);
    expect(toJson(neo4j.int('9007199254740993'))).toBe('9007199254740993');
    expect(toJson(new neo4j.types.Date(2024, 12, 16))).toBe('2024-12-16');
    expect(toJson(new neo4j.types.Point(neo4j.int(4326), 37.6156, 49.7106))).toEqual({ latitude: 49.7106, longitude: 37.6156 });
    expect(toJson([Number.NaN, { a: neo4j.int(1) }])).toEqual(['NaN', { a: 1 }]);
  });
});
