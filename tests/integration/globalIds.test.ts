import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { createHarness, schema, startTestServer, type Harness, type TestServer } from '../harness.js';

/**
 * Global object identification: a client cache keyed by id (Apollo Client's InMemoryCache, Relay's store)
 * must never be handed two different objects under one id. The walk below reaches every object type from
 * the root fields and a write's payload, selects `__typename` and `id` wherever a type has an `id`, and
 * fails on any id that comes back under two types.
 */

let h: Harness;
let server: TestServer;
beforeAll(async () => {
  // A roomy deadline: the walk's wide queries are about ids, not speed; Neo4j takes seconds to plan the
  // widest (every field of every node type, 25 KB of Cypher), more on a busy machine.
  const roomy = { CLAIMGRAPH_QUERY_TIMEOUT_MS: 120_000 };
  h = await createHarness({ reset: true, database: roomy });
  server = await startTestServer(h, { role: 'editor' }, roomy);
});
afterAll(async () => {
  await server?.stop();
  await h.close();
});

/** Values for required arguments, by name, so every root field can be walked against the sample. */
const SAMPLE_IDS: Record<string, string> = {
  Actor: 'actor:leonid-sharov',
  Unit: 'unit:western-group-of-forces',
  Place: 'place:kupyansk',
  Source: 'source:report-kupyansk',
  Statement: 'statement:wgf-full-control-2024-12-16',
};
const FUTURE = '2999-01-01T00:00:00Z';

function requiredArguments(field: GraphQLField<unknown, unknown>): string | null {
  const values: string[] = [];
  const target = getNamedType(field.type).name;
  for (const arg of field.args) {
    const value = (() => {
      if (arg.name === 'first') return '2';
      if (!isNonNullType(arg.type) || arg.defaultValue !== undefined) return undefined;
      if (arg.name === 'id' && field.name === 'history') return JSON.stringify('actor:ids-walker'); // written below
      if (arg.name === 'id' && field.name === 'provenance') return JSON.stringify(SAMPLE_IDS.Statement);
      if (arg.name === 'id') return JSON.stringify(SAMPLE_IDS[target] ?? SAMPLE_IDS.Actor);
      if (arg.name === 'ids') return JSON.stringify(Object.values(SAMPLE_IDS));
      if (arg.name === 'from') return JSON.stringify(SAMPLE_IDS.Statement);
      if (arg.name === 'to') return JSON.stringify(SAMPLE_IDS.Place);
      if (arg.name === 'at') return JSON.stringify(FUTURE);
      if (arg.name === 'query') return JSON.stringify('Kupyansk');
      return null;
    })();
    if (value === null) return null; // a required argument the walk cannot fill: the field is left out
    if (value !== undefined) values.push(`${arg.name}: ${value}`);
  }
  return values.length ? `(${values.join(', ')})` : '';
}

/** A selection of `type` down to `depth` object levels: every object field, `__typename`, and `id` where there is one. */
function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (isAbstractType(type)) {
    const members = schema.getPossibleTypes(type).map((t) => `... on ${t.name} ${selectionOf(t, depth)}`);
    return `{ __typename ${members.join(' ')} }`;
  }
  const object = type as GraphQLObjectType;
  const parts = ['__typename'];
  for (const field of Object.values(object.getFields())) {
    if (field.name === 'id') parts.push('id');
    const named = getNamedType(field.type);
    if (isLeafType(named) || depth === 0) continue;
    const args = requiredArguments(field);
    if (args === null) continue;
    parts.push(`${field.name}${args} ${selectionOf(named, depth - 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

/** Every (id, __typename) in a response. */
function collectIds(value: unknown, into: Map<string, Set<string>>): void {
  if (Array.isArray(value)) return value.forEach((v) => collectIds(v, into));
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (typeof record.id === 'string' && typeof record.__typename === 'string') {
    const types = into.get(record.id) ?? new Set<string>();
    types.add(record.__typename);
    into.set(record.id, types);
  }
  for (const v of Object.values(record)) collectIds(v, into);
}

async function post(query: string): Promise<{ data?: any; errors?: any[] }> {
  const response = await fetch(server.url, { method: 'POST', headers: { ...server.headers, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: any; errors?: any[] };
}

describe('ids are unique across the whole API', () => {
  const seen = new Map<string, Set<string>>();
  const typesSeen = new Set<string>();
  const withId = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__') && 'id' in t.getFields());

  beforeAll(async () => {
    // Writes first, so the change log has entries to walk, and a refused delete to read dependents from.
    const write = await post(`mutation { upsertActor(input: {id: "actor:ids-walker", name: "Ids walker", kind: PERSON, side: "NEUTRAL"}) { actor { id } } }`);
    expect(write.errors).toBeUndefined();
    const refused = await post(`mutation { deleteUnit(input: {id: "unit:western-group-of-forces"}) ${selectionOf(schema.getType('DeletePayload')!, 2)} }`);
    expect(refused.errors).toBeUndefined();
    expect(refused.data.deleteUnit.dependents.length).toBeGreaterThan(1);
    collectIds(refused.data, seen);
    for (const t of JSON.stringify(refused.data).matchAll(/"__typename":"(\w+)"/g)) typesSeen.add(t[1]);

    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      if (field.name === 'cypher') continue; // rows of the caller's own Cypher, with no object types
      const args = requiredArguments(field);
      expect(args, `the walk cannot fill ${field.name}'s arguments`).not.toBeNull();
      // Abstract results (node, nodes, search hits) fan out to every type's fields: one level is enough there.
      const named = getNamedType(field.type);
      const result = await post(`{ ${field.name}${args} ${selectionOf(named, isAbstractType(named) ? 1 : 2)} }`);
      expect(result.errors, `${field.name}: ${JSON.stringify(result.errors)}`).toBeUndefined();
      collectIds(result.data, seen);
      for (const t of JSON.stringify(result.data).matchAll(/"__typename":"(\w+)"/g)) typesSeen.add(t[1]);
    }
  }, 600_000);

  it('the walk reached every object type that has an id (so the check below is not vacuous)', () => {
    expect(withId.map((t) => t.name).filter((name) => !typesSeen.has(name))).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
  });

  it('no id names objects of two types', () => {
    const shared = [...seen].filter(([, types]) => types.size > 1).map(([id, types]) => `${id}: ${[...types].join(', ')}`);
    expect(shared).toEqual([]);
  });

  it('a state of a node at a time and a dependent are about a node, kept under nodeId, and have no id', () => {
    for (const name of ['RecordedState', 'Dependent']) {
      const fields = (schema.getType(name) as GraphQLObjectType).getFields();
      expect(Object.keys(fields)).toContain('nodeId');
      expect(Object.keys(fields)).not.toContain('id');
    }
  });
});

describe("Apollo Client's normalised cache", () => {
  const client = () =>
    new ApolloClient({ link: new HttpLink({ uri: server.url, headers: server.headers }), cache: new InMemoryCache() });

  it('holds a node as recorded at two times as two states, not one merged object', async () => {
    const apollo = client();
    const { data } = await apollo.query<any>({
      query: gql`
        query {
          before: asRecorded(id: "place:kupyansk", at: "2000-01-01T00:00:00Z") { nodeId at exists }
          after: asRecorded(id: "place:kupyansk", at: "2999-01-01T00:00:00Z") { nodeId at exists }
          place(id: "place:kupyansk") { id name }
        }
      `,
      fetchPolicy: 'network-only',
    });
    expect(data.before).toMatchObject({ nodeId: 'place:kupyansk', exists: false });
    expect(data.after).toMatchObject({ nodeId: 'place:kupyansk', exists: true });
    expect(data.place).toMatchObject({ id: 'place:kupyansk', name: 'Kupyansk' });
  });

  it("keeps every dependent of a refused delete (one node may depend by two relationships)", async () => {
    const apollo = client();
    const mutation = gql`
      mutation {
        deletePlace(input: { id: "place:kupyansk" }) { deletedId dependents { relationship nodeId label } }
      }
    `;
    const { data } = await apollo.mutate<any>({ mutation });
    const dependents = data.deletePlace.dependents as Array<{ relationship: string; nodeId: string }>;
    // The sample has statements about Kupyansk by two roles, or by ABOUT and GEOLOCATED_AT: the same node twice.
    const nodes = dependents.map((d) => d.nodeId);
    expect(new Set(nodes).size).toBeLessThan(nodes.length);
    // Written into a normalised cache and read back, the list is unchanged.
    const cache = new InMemoryCache();
    const asQuery = gql`
      query {
        deletePlace(input: { id: "place:kupyansk" }) { deletedId dependents { relationship nodeId label } }
      }
    `;
    cache.writeQuery({ query: asQuery, data: { deletePlace: { __typename: 'DeletePayload', ...data.deletePlace } } });
    expect(cache.readQuery<any>({ query: asQuery })!.deletePlace.dependents).toEqual(data.deletePlace.dependents);
  });

  it('(control) the same list under an `id` that repeats is merged by the cache: the check above can fail', () => {
    const cache = new InMemoryCache();
    const query = gql`
      query { probe { dependents { id relationship } } }
    `;
    const dependents = [
      { __typename: 'Probe', id: 'statement:x', relationship: 'ABOUT' },
      { __typename: 'Probe', id: 'statement:x', relationship: 'GEOLOCATED_AT' },
    ];
    cache.writeQuery({ query, data: { probe: { __typename: 'ProbeList', dependents } } });
    const read = cache.readQuery<any>({ query })!.probe.dependents;
    expect(read).not.toEqual(dependents);
  });
});
