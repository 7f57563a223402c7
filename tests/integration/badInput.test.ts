import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLFormattedError } from 'graphql';
import { Database } from '../../src/neo4j/database.js';
import { createApolloServer, startServer } from '../../src/server.js';
import { LABELS } from '../../src/ids.js';
import { connectTestDatabase, createHarness, schema, silentLog, testConfig, type Harness, TEST_ADMIN } from '../harness.js';
import { ROOT_FIELDS } from '../sample.js';

/** What callers get wrong, and what happens when Neo4j is away: coded errors, never a crash or a stack. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

/** No error may carry a stack trace, in extensions or anywhere else. */
function expectNoStack(errors: readonly GraphQLFormattedError[]) {
  for (const error of errors) {
    expect(error.extensions?.stacktrace, error.message).toBeUndefined();
    expect(JSON.stringify(error)).not.toMatch(/\n\s+at /);
  }
}

async function errorsOf(query: string, variables?: Record<string, unknown>) {
  const result = await h.run(query, variables);
  expect(result.errors, 'errors').toBeDefined();
  expectNoStack(result.errors!);
  return result;
}

/** Runs a query that must fail with exactly one BAD_USER_INPUT naming `argument` (and `field`, if given). */
async function expectBadInput(query: string, variables: Record<string, unknown>, argument: string, field?: string) {
  const { errors } = await errorsOf(query, variables);
  expect(errors).toHaveLength(1);
  const [error] = errors!;
  expect(error.extensions?.code, error.message).toBe('BAD_USER_INPUT');
  expect(error.extensions?.argument).toBe(argument);
  if (field) expect(error.extensions?.field).toBe(field);
  return error;
}

const b64 = (json: unknown) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');

describe('unknown ids are null', () => {
  it('node(id:) and nodes(ids:)', async () => {
    const data = await h.data(`{
      node(id: "place:atlantis") { id }
      nodes(ids: ["actor:nobody", "place:kupyansk", "statement:never-said"]) { id }
    }`);
    expect(data.node).toBeNull();
    expect(data.nodes).toEqual([null, { id: 'place:kupyansk' }, null]);
  });

  it.each(LABELS.map((l) => [ROOT_FIELDS[l].byId, l] as const))('%s(id:)', async (field, label) => {
    const data = await h.data(`query ($id: ID!) { ${field}(id: $id) { id } }`, { id: `${label.toLowerCase()}:no-such-thing` });
    expect(data[field]).toBeNull();
  });
});

describe('malformed ids are BAD_USER_INPUT', () => {
  const MALFORMED = ['kupyansk', 'place:Kupyansk', 'place:', 'x'.repeat(500), 'planet:earth', 'place:kupyansk-', 'place:kup yansk'];

  it.each(MALFORMED.map((id) => [id.slice(0, 30), id] as const))('node(id: %j)', async (_shown, id) => {
    const error = await expectBadInput(`query ($id: ID!) { node(id: $id) { id } }`, { id }, 'id');
    // The message quotes at most a bounded part of the id.
    expect(error.message.length).toBeLessThan(400);
  });

  it.each(MALFORMED.map((id) => [id.slice(0, 30), id] as const))('nodes(ids: [place:kupyansk, %j])', async (_shown, id) => {
    await expectBadInput(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: ['place:kupyansk', id] }, 'ids');
  });

  it.each(LABELS.map((l) => [ROOT_FIELDS[l].byId] as const))('%s(id:)', async (field) => {
    for (const id of MALFORMED) await expectBadInput(`query ($id: ID!) { ${field}(id: $id) { id } }`, { id }, 'id');
  });

  it('nodes(ids:) takes at most 100 ids', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `place:p${i}`);
    await expectBadInput(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }, 'ids');
  });
});

describe('first out of range is BAD_USER_INPUT', () => {
  it.each([-1, 101])('places(first: %d)', async (first) => {
    await expectBadInput(`query ($first: Int) { places(first: $first) { edges { node { id } } } }`, { first }, 'first', 'Query.places');
  });

  it.each([-1, 101])('place { statements(first: %d) }', async (first) => {
    await expectBadInput(
      `query ($first: Int) { place(id: "place:kupyansk") { statements(first: $first) { edges { node { id } } } } }`,
      { first },
      'first',
      'Place.statements',
    );
  });

  it('0 and 100 are allowed', async () => {
    const data = await h.data(`{ a: places(first: 0) { edges { node { id } } } b: places(first: 100) { totalCount edges { node { id } } } }`);
    expect(data.a.edges).toEqual([]);
    expect(data.b.edges).toHaveLength(data.b.totalCount);
  });
});

describe('malformed cursors are BAD_USER_INPUT on after', () => {
  let placesCursor: string;
  let membersCursor: string;
  beforeAll(async () => {
    // Members are paged per edge (a membership has its own period): their cursors hold the id and the role.
    const data = await h.data(`{
      places(first: 1) { edges { cursor } }
      actor(id: "actor:ukraine") { members(first: 1) { edges { cursor } } }
    }`);
    placesCursor = data.places.edges[0].cursor;
    membersCursor = data.actor.members.edges[0].cursor;
  });

  const BAD: Array<[string, () => string]> = [
    ['garbage', () => '!!not a cursor!!'],
    ['base64url that is not JSON', () => Buffer.from('hello world').toString('base64url')],
    ['base64 of an object', () => b64({ id: 'place:kupyansk' })],
    ['base64 of a bare string', () => b64('place:kupyansk')],
    ['the wrong version', () => b64(['k0', 'place:kupyansk'])],
    ['a key that is an object', () => b64(['k1', { id: 'place:kupyansk' }])],
    ['an over-long cursor', () => 'A'.repeat(5000)],
    ['an empty string', () => ''],
    ['an Actor.members cursor (2 keys)', () => membersCursor],
  ];

  it.each(BAD)('places(after: %s)', async (_what, cursor) => {
    await expectBadInput(`query ($after: String) { places(first: 2, after: $after) { edges { node { id } } } }`, { after: cursor() }, 'after', 'Query.places');
  });

  it('a places cursor (1 key) on Actor.members (2 keys)', async () => {
    await expectBadInput(
      `query ($after: String) { actor(id: "actor:ukraine") { members(after: $after) { edges { node { id } } } } }`,
      { after: placesCursor },
      'after',
      'Actor.members',
    );
  });

  it('garbage on a nested connection names the field', async () => {
    await expectBadInput(
      `query ($after: String) { place(id: "place:kupyansk") { statements(after: $after) { edges { node { id } } } } }`,
      { after: 'garbage' },
      'after',
      'Place.statements',
    );
  });

  it('(control) the real cursors are accepted where they belong', async () => {
    const data = await h.data(
      `query ($p: String, $s: String) {
        places(first: 1, after: $p) { edges { node { id } } }
        actor(id: "actor:ukraine") { members(first: 1, after: $s) { edges { node { id } } } }
      }`,
      { p: placesCursor, s: membersCursor },
    );
    expect(data.places.edges).toHaveLength(1);
    expect(data.actor.members.edges).toHaveLength(1);
  });
});

describe('Neo4j unreachable', () => {
  const target = { uri: 'bolt://127.0.0.1:1', user: 'neo4j', password: 'x', database: 'neo4j' };

  it('a query gets DATABASE_UNAVAILABLE, not a crash', async () => {
    const db = Database.connect(target);
    const apollo = createApolloServer({ db, log: silentLog, config: testConfig, development: false, schema });
    await apollo.start();
    try {
      const response = await apollo.executeOperation(
        { query: '{ place(id: "place:kupyansk") { id name } }' },
        { contextValue: { db, log: silentLog, config: testConfig, principal: TEST_ADMIN } },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { errors, data } = response.body.singleResult;
      expect(data?.place ?? null).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors![0].extensions?.code).toBe('DATABASE_UNAVAILABLE');
      expectNoStack(errors!);
    } finally {
      await apollo.stop();
      await db.close();
    }
  });

  it('/health answers 503 with neo4j down', async () => {
    const db = Database.connect(target);
    const server = await startServer({ db, log: silentLog, config: testConfig, development: false, schema, host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(new URL('/health', server.url));
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ neo4j: 'down' });
    } finally {
      await server.stop();
      await db.close();
    }
  });

  it('(control) /health answers 200 with neo4j up on the real database', async () => {
    const db = connectTestDatabase();
    const server = await startServer({ db, log: silentLog, config: testConfig, development: false, schema, host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(new URL('/health', server.url));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ neo4j: 'up' });
    } finally {
      await server.stop();
      await db.close();
    }
  });
});
