import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, model, silentLog, startTestServer, TEST_ADMIN, testConfig, type Harness, type TestServer } from '../harness.js';
import type { Principal } from '../../src/auth/principal.js';
import { ISO_DATE_TIME, onTheWire } from '../sample.js';
import { countChanges } from '../changeLogEntries.js';
import { profileHits } from '../profileHits.js';
import { importBundle } from '../../src/bundle/importBundle.js';
import { CHANGE_SET_SIZE } from '../../src/changelog/changeLog.js';

/**
 * The change log: every write records who, when (a time of record) and each changed property's before and
 * after; a node's history and its state as recorded at a past time are queryable; failed and no-op writes
 * record nothing.
 */

let h: Harness;
let server: TestServer;
beforeAll(async () => {
  h = await createHarness();
  server = await startTestServer(h, { role: 'editor' });
});
afterAll(async () => {
  await server?.stop();
  await h.close();
});

/** An editor's key named `name`: the change log records it as key:<name>. */
const editor = (name: string): Principal => ({ kind: 'key', name: `key:${name}`, role: 'editor', clearance: 'RED' });

/** Runs an operation as the key `user` (TEST_ADMIN when not given) and returns data and errors as on the wire. */
async function as(user: string | undefined, query: string, variables?: Record<string, unknown>) {
  const response = await h.apollo.executeOperation(
    { query, variables },
    { contextValue: { db: h.db, log: silentLog, config: testConfig, principal: user === undefined ? TEST_ADMIN : editor(user) } },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return onTheWire(response.body.singleResult) as { data?: any; errors?: any[] };
}
const ok = async (user: string | undefined, query: string, variables?: Record<string, unknown>) => {
  const result = await as(user, query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
};

const CHANGE = 'id at who op entityId entityLabel via transactionId edge { type from to key } changes { property before after }';
const ERRORS = 'userErrors { field message code }';
const HISTORY = `query ($id: ID!, $first: Int, $after: String, $direction: OrderDirection) {
  history(id: $id, first: $first, after: $after, direction: $direction) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { ${CHANGE} } }
  }
}`;
const AS_RECORDED = `query ($id: ID!, $at: DateTime!) {
  asRecorded(id: $id, at: $at) { nodeId label at exists properties edges { type from to properties } lastChange { op who } }
}`;
const UPSERT_PLACE = `mutation ($input: UpsertPlaceInput!) { upsertPlace(input: $input) { place { id updatedAt } changes { ${CHANGE} } ${ERRORS} } }`;
const UPDATE_PLACE = `mutation ($input: UpdatePlaceInput!) { updatePlace(input: $input) { place { id updatedAt } changes { ${CHANGE} } ${ERRORS} } }`;
const UPSERT_STATEMENT = `mutation ($input: UpsertStatementInput!) {
  upsertStatement(input: $input) { statement { id createdAt updatedAt statedAt { start end precision } } changes { ${CHANGE} } ${ERRORS} }
}`;
const LINK = `mutation ($input: LinkInput!) { link(input: $input) { edge { type from to properties } changes { ${CHANGE} } ${ERRORS} } }`;

const history = async (id: string, args: Record<string, unknown> = {}) => (await ok(undefined, HISTORY, { id, first: 100, ...args })).history;
/** A node's history without the sample's own import (which the importer may log). */
const ownHistory = async (id: string) => (await history(id)).edges.map((e: any) => e.node).filter((c: any) => c.via !== 'import');
const changeCount = () => countChanges(h.db);
const minus = (iso: string, ms: number) => new Date(Date.parse(iso) - ms).toISOString();

const SOURCE = 'source:wgf-press-briefing-2024-12-16';
const SPEAKER = 'actor:leonid-sharov';
const statementInput = {
  id: 'statement:test-logged-claim',
  text: 'A claim written by the change-log test.',
  kind: 'CONTROL',
  statedAt: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' },
  speakerId: SPEAKER,
  sources: [{ sourceId: SOURCE, quote: 'full control' }],
  about: [{ id: 'place:kupyansk', role: 'LOCATION' }],
};

describe('who and when', () => {
  it('records the writer, the time of record, the mutation and each changed property before and after', async () => {
    const t0 = new Date().toISOString();
    const created = (await ok('alice', UPSERT_PLACE, { input: { id: 'place:log-town', kind: 'CITY', name: 'Log Town', areaKm2: 1.5 } })).upsertPlace;
    const updated = (await ok('bob', UPDATE_PLACE, { input: { id: 'place:log-town', set: { name: 'Log City' }, unset: ['AREA_KM2'] } })).updatePlace;
    const t1 = new Date().toISOString();

    const { totalCount, edges } = await history('place:log-town');
    expect(totalCount).toBe(2);
    const [first, second] = edges.map((e: any) => e.node);
    expect(first).toMatchObject({ op: 'CREATE', who: 'key:alice', via: 'upsertPlace', entityId: 'place:log-town', entityLabel: 'PLACE', edge: null });
    expect(first.changes).toEqual([
      { property: 'kind', before: null, after: 'CITY' },
      { property: 'name', before: null, after: 'Log Town' },
      { property: 'areaKm2', before: null, after: 1.5 },
    ]);
    expect(second).toMatchObject({ op: 'UPDATE', who: 'key:bob', via: 'updatePlace' });
    expect(second.changes).toEqual([
      { property: 'name', before: 'Log Town', after: 'Log City' },
      { property: 'areaKm2', before: 1.5, after: null },
    ]);
    // The time of record is when the write happened, the same instant as the node's updatedAt.
    for (const c of [first, second]) {
      expect(c.at).toMatch(ISO_DATE_TIME);
      expect(c.at >= t0 && c.at <= t1).toBe(true);
    }
    expect(second.at).toBe(updated.place.updatedAt);
    expect(Date.parse(second.at)).toBeGreaterThan(Date.parse(first.at));
    // The payload's changes are the entries the history shows.
    expect(created.changes).toEqual([first]);
    expect(updated.changes).toEqual([second]);
  });

  it('a write is recorded as its principal; control characters never reach the log', async () => {
    const admin = (await ok(undefined, UPDATE_PLACE, { input: { id: 'place:log-town', set: { description: 'One.' } } })).updatePlace;
    expect(admin.changes[0].who).toBe(TEST_ADMIN.name);
    const odd = (await ok('  eve\u0000\n ', UPDATE_PLACE, { input: { id: 'place:log-town', set: { description: 'Two.' } } })).updatePlace;
    expect(odd.changes[0].who).toBe('key:  eve');
  });

  it('over HTTP the writer is the authenticated key; X-Claimgraph-User changes nothing', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { ...server.headers, 'content-type': 'application/json', 'x-claimgraph-user': 'chief-editor@example.org' },
      body: JSON.stringify({ query: UPDATE_PLACE, variables: { input: { id: 'place:log-town', set: { description: 'Three.' } } } }),
    });
    const body: any = await response.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.updatePlace.changes[0].who).toBe(server.principal);
    expect(server.principal).toMatch(/^key:test-editor-clear-/);
    const last = (await history('place:log-town', { direction: 'DESC', first: 1 })).edges[0].node;
    expect(last).toMatchObject({ who: server.principal, changes: [{ property: 'description', before: 'Two.', after: 'Three.' }] });
  });
});

describe('history', () => {
  it('pages in order of record both ways, with cursors', async () => {
    const all = (await history('place:log-town')).edges.map((e: any) => e.node.id);
    expect(all).toHaveLength(5);
    const desc = (await history('place:log-town', { direction: 'DESC' })).edges.map((e: any) => e.node.id);
    expect(desc).toEqual([...all].reverse());
    const page1 = await history('place:log-town', { first: 2 });
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await history('place:log-town', { first: 2, after: page1.pageInfo.endCursor });
    const page3 = await history('place:log-town', { first: 2, after: page2.pageInfo.endCursor });
    expect(page3.pageInfo.hasNextPage).toBe(false);
    expect([...page1.edges, ...page2.edges, ...page3.edges].map((e: any) => e.node.id)).toEqual(all);
    expect(page2.totalCount).toBe(5);
  });

  it('a relationship change is in the history of both endpoints, with the edge it is about', async () => {
    const linked = (await ok('alice', LINK, { input: { type: 'PART_OF', from: 'place:log-town', to: 'place:kupyansk' } })).link;
    expect(linked.userErrors).toEqual([]);
    const [change] = linked.changes;
    expect(change).toMatchObject({ op: 'LINK', entityId: 'place:log-town', edge: { type: 'PART_OF', from: 'place:log-town', to: 'place:kupyansk', key: null } });
    expect((await ownHistory('place:kupyansk')).map((c: any) => c.id)).toEqual([change.id]);
    expect((await history('place:log-town', { direction: 'DESC', first: 1 })).edges[0].node.id).toBe(change.id);
  });

  it('an unknown or malformed id has an empty history; a malformed one is BAD_USER_INPUT', async () => {
    expect((await history('place:never-written')).totalCount).toBe(0);
    const bad = await as(undefined, HISTORY, { id: 'not an id' });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.errors)).not.toMatch(/\.ts:\d+/);
  });
});

describe("an import's log: one change set per batch, read as one log with the writes'", () => {
  const place = (id: string, name: string) => ({ label: 'Place', id, properties: { kind: 'CITY', name } });
  const bundle = (nodes: unknown[], edges: unknown[] = []) => ({ format: 'claimgraph-bundle', version: 1, nodes, edges });
  const importAs = (who: string, input: unknown, batchSize?: number) => importBundle(h.db, model, input, { who, batchSize });

  it('an imported node has its CREATE, its relationships in both histories, updates in order with the writes after it', async () => {
    // Two ids where one is a prefix of the other: a set about one must not be read as about the other.
    await importAs(
      'key:loader',
      bundle(
        [place('place:set-village', 'Setville'), place('place:set-village-north', 'North Setville')],
        [{ type: 'PART_OF', from: 'place:set-village-north', to: 'place:set-village', properties: {} }],
      ),
      2,
    );
    const created = (await history('place:set-village')).edges.map((e: any) => e.node);
    expect(created).toMatchObject([
      { op: 'CREATE', entityId: 'place:set-village', entityLabel: 'PLACE', who: 'key:loader', via: 'import', edge: null },
      { op: 'LINK', entityId: 'place:set-village-north', entityLabel: 'PLACE', edge: { type: 'PART_OF', from: 'place:set-village-north', to: 'place:set-village', key: null } },
    ]);
    expect(created[0].changes).toEqual(
      expect.arrayContaining([
        { property: 'name', before: null, after: 'Setville' },
        { property: 'kind', before: null, after: 'CITY' },
      ]),
    );
    // batches of two: the nodes in one transaction, the edge in the next, each with its own time of record
    expect(created[0].transactionId).not.toBe(created[1].transactionId);
    const north = (await history('place:set-village-north')).edges.map((e: any) => e.node);
    expect(north.map((c: any) => c.op)).toEqual(['CREATE', 'LINK']);
    expect(north[1].id).toBe(created[1].id);

    // A second import changes the name (UPDATE, before and after); a mutation then changes it again.
    await importAs('key:loader', bundle([place('place:set-village', 'Setville-on-Oskil')]));
    const { updatePlace } = await ok('alice', UPDATE_PLACE, { input: { id: 'place:set-village', set: { name: 'Setvillia' } } });
    expect(updatePlace.userErrors).toEqual([]);
    const all = (await history('place:set-village')).edges.map((e: any) => e.node);
    expect(all.map((c: any) => [c.op, c.via])).toEqual([
      ['CREATE', 'import'],
      ['LINK', 'import'],
      ['UPDATE', 'import'],
      ['UPDATE', 'updatePlace'],
    ]);
    expect(all[2].changes).toEqual([{ property: 'name', before: 'Setville', after: 'Setville-on-Oskil' }]);
    const ids = all.map((c: any) => c.id);
    expect(new Set(ids).size).toBe(4);

    // Paged one at a time, both ways, the cursors cross from one form of the log to the other.
    for (const direction of ['ASC', 'DESC'] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = await history('place:set-village', { first: 1, after, direction });
        expect(page.totalCount).toBe(4);
        seen.push(...page.edges.map((e: any) => e.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(direction === 'ASC' ? ids : [...ids].reverse());
    }

    // asRecorded undoes the mutation and the import's UPDATE, newest first.
    const at = (c: any) => c.at;
    const state = async (when: string) => (await ok(undefined, AS_RECORDED, { id: 'place:set-village', at: when })).asRecorded;
    expect((await state(at(all[1]))).properties.name).toBe('Setville');
    expect((await state(at(all[2]))).properties.name).toBe('Setville-on-Oskil');
    expect((await state(at(all[3]))).properties.name).toBe('Setvillia');
    expect((await state(at(all[1]))).edges).toEqual([{ type: 'PART_OF', from: 'place:set-village-north', to: 'place:set-village', properties: {} }]);
    expect(await state(minus(at(all[0]), 1))).toMatchObject({ exists: false, properties: null, edges: [], lastChange: null });
  });

  it("a busy node's history page and state as recorded read its change sets once, not once per entry", async () => {
    const children = Array.from({ length: 2500 }, (_, i) => place(`place:set-busy-${i}`, `Busy ${i}`));
    const edges = children.map((c) => ({ type: 'PART_OF', from: c.id, to: 'place:set-hub', properties: {} }));
    await importAs('key:loader', bundle([place('place:set-hub', 'Hub'), ...children], edges), 6000);
    const sent: Array<{ cypher: string; params: Record<string, unknown> }> = [];
    const off = h.db.onQuery((cypher, params) => sent.push({ cypher, params: params ?? {} }));
    let page;
    try {
      page = await history('place:set-hub', { first: 10, direction: 'DESC' });
    } finally {
      off();
    }
    expect(page.totalCount).toBe(2501);
    expect(page.edges.map((e: any) => e.node.edge.from)).toEqual(children.slice(-10).reverse().map((c) => c.id));
    expect(page.edges[0].node).toMatchObject({ op: 'LINK', via: 'import', changes: [] });
    expect(sent).toHaveLength(1);
    // Reading every entry whole (each list of its set, for each of the 2,501) cost about 30,000.
    const hits = await profileHits(h.db, sent[0].cypher, sent[0].params);
    expect(hits).toBeLessThan(1000);

    // asRecorded before the import undoes all 2,501: each set is read once, not once per entry (47,579 db hits).
    sent.length = 0;
    const offAgain = h.db.onQuery((cypher, params) => sent.push({ cypher, params: params ?? {} }));
    let before;
    try {
      before = (await ok(undefined, AS_RECORDED, { id: 'place:set-hub', at: '2000-01-01T00:00:00Z' })).asRecorded;
    } finally {
      offAgain();
    }
    expect(before).toMatchObject({ exists: false, properties: null, edges: [], lastChange: null });
    const logRead = sent.find((q) => q.cypher.includes('change_set_ids'))!;
    expect(await profileHits(h.db, logRead.cypher, logRead.params)).toBeLessThan(1000);
  });

  it('a batch of more entries than a set holds is split over sets, its entries numbered on across them', async () => {
    const count = CHANGE_SET_SIZE + 3;
    const nodes = Array.from({ length: count }, (_, i) => place(`place:set-many-${i}`, `Many ${i}`));
    const before = await countChanges(h.db);
    await importAs('key:loader', bundle(nodes), count);
    expect(await countChanges(h.db)).toBe(before + count);
    const sets = await h.db.read("MATCH (s:ChangeSet) WHERE s.entityIds[0] STARTS WITH 'place:set-many-' RETURN s.first AS first, size(s.ops) AS size ORDER BY first");
    expect(sets.records.map((r) => [Number(r.get('first')), Number(r.get('size'))])).toEqual([
      [0, CHANGE_SET_SIZE],
      [CHANGE_SET_SIZE, 3],
    ]);
    const first = (await history('place:set-many-0')).edges[0].node;
    const last = (await history(`place:set-many-${count - 1}`)).edges[0].node;
    expect(last.transactionId).toBe(first.transactionId);
    expect(last.id).toBe(`${first.transactionId}-${String(count - 1).padStart(6, '0')}`);
    expect(last).toMatchObject({ op: 'CREATE', entityId: `place:set-many-${count - 1}` });
  });
});

describe('asRecorded: what the graph said at a time', () => {
  it('reconstructs properties and relationships at each point of the history, even after a delete', async () => {
    const created = (await ok('alice', UPSERT_PLACE, { input: { id: 'place:log-hamlet', kind: 'POINT', name: 'Hamlet One' } })).upsertPlace.changes[0];
    const renamed = (await ok('bob', UPDATE_PLACE, { input: { id: 'place:log-hamlet', set: { name: 'Hamlet Two', location: { latitude: 49.7, longitude: 37.6 } } } }))
      .updatePlace.changes[0];
    const linked = (await ok('bob', LINK, { input: { type: 'PART_OF', from: 'place:log-hamlet', to: 'place:kupyansk' } })).link.changes[0];
    const deleted = (await ok('carol', `mutation { deletePlace(input: {id: "place:log-hamlet"}) { deletedId changes { ${CHANGE} } ${ERRORS} } }`)).deletePlace;
    expect(deleted.userErrors).toEqual([]);
    expect(deleted.changes.map((c: any) => c.op)).toEqual(['UNLINK', 'DELETE']);
    const gone = deleted.changes[1];
    const times = [created.at, renamed.at, linked.at, gone.at];
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBe(4);

    const at = async (time: string) => (await ok(undefined, AS_RECORDED, { id: 'place:log-hamlet', at: time })).asRecorded;
    expect(await at(minus(created.at, 1))).toEqual({
      nodeId: 'place:log-hamlet',
      label: 'PLACE',
      at: minus(created.at, 1),
      exists: false,
      properties: null,
      edges: [],
      lastChange: null,
    });
    expect(await at(created.at)).toMatchObject({ exists: true, properties: { kind: 'POINT', name: 'Hamlet One' }, edges: [], lastChange: { op: 'CREATE', who: 'key:alice' } });
    expect((await at(created.at)).properties.location).toBeUndefined();
    expect(await at(renamed.at)).toMatchObject({
      exists: true,
      properties: { kind: 'POINT', name: 'Hamlet Two', location: { latitude: 49.7, longitude: 37.6 } },
      edges: [],
      lastChange: { op: 'UPDATE', who: 'key:bob' },
    });
    expect(await at(linked.at)).toMatchObject({
      exists: true,
      properties: { name: 'Hamlet Two' },
      edges: [{ type: 'PART_OF', from: 'place:log-hamlet', to: 'place:kupyansk', properties: {} }],
      lastChange: { op: 'LINK' },
    });
    expect(await at(minus(gone.at, 1))).toMatchObject({ exists: true, edges: [{ type: 'PART_OF' }] });
    expect(await at(gone.at)).toMatchObject({ exists: false, properties: null, edges: [], lastChange: { op: 'DELETE', who: 'key:carol' } });
    // The node is gone; its history is not.
    expect((await h.data(`{ place(id: "place:log-hamlet") { id } }`)).place).toBeNull();
    expect((await history('place:log-hamlet')).edges.map((e: any) => e.node.op)).toEqual(['CREATE', 'UPDATE', 'LINK', 'UNLINK', 'DELETE']);
  });

  it('is null for an id never recorded', async () => {
    expect((await ok(undefined, AS_RECORDED, { id: 'place:never-written', at: new Date().toISOString() })).asRecorded).toBeNull();
  });

  it('the sample as it is now, asked at a time before it was written, did not exist', async () => {
    const now = (await ok(undefined, AS_RECORDED, { id: 'place:kupyansk', at: new Date(Date.now() + 60_000).toISOString() })).asRecorded;
    expect(now).toMatchObject({ exists: true, properties: { name: 'Kupyansk', kind: 'CITY' } });
    expect(now.edges.length).toBeGreaterThan(0);
    const before = (await ok(undefined, AS_RECORDED, { id: 'place:kupyansk', at: '2000-01-01T00:00:00Z' })).asRecorded;
    expect(before).toMatchObject({ exists: false, properties: null, edges: [] });
  });
});

describe('the times a claim speaks of stay apart from the times we recorded it', () => {
  it('a statement about 16 December 2024 is recorded now; asked about that December, the graph did not hold it yet', async () => {
    const t0 = new Date().toISOString();
    const { upsertStatement } = await ok('alice', UPSERT_STATEMENT, { input: statementInput });
    expect(upsertStatement.userErrors).toEqual([]);
    const { statement, changes } = upsertStatement;
    expect(statement.statedAt).toEqual({ start: '2024-12-16', end: '2024-12-16', precision: 'DAY' });
    expect(statement.createdAt >= t0).toBe(true);
    expect(changes.map((c: any) => c.op)).toEqual(['CREATE', 'LINK', 'LINK', 'LINK']);
    expect(new Set(changes.map((c: any) => c.transactionId)).size).toBe(1);
    expect(changes.every((c: any) => c.at === statement.createdAt)).toBe(true);
    // statedAt is a property whose value the log records, never the time of the change.
    expect(changes[0].changes).toContainEqual({ property: 'statedAt', before: null, after: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' } });
    expect(changes.map((c: any) => c.edge?.type ?? null)).toEqual([null, 'MADE_BY', 'REPORTED_IN', 'ABOUT']);

    const inDecember = (await ok(undefined, AS_RECORDED, { id: statementInput.id, at: '2024-12-31T00:00:00Z' })).asRecorded;
    expect(inDecember).toMatchObject({ exists: false, properties: null });
    const recorded = (await ok(undefined, AS_RECORDED, { id: statementInput.id, at: statement.createdAt })).asRecorded;
    expect(recorded.properties.statedAt).toEqual({ start: '2024-12-16', end: '2024-12-16', precision: 'DAY' });
    expect(recorded.edges.map((e: any) => `${e.type} ${e.to}`).sort()).toEqual([`ABOUT place:kupyansk`, `MADE_BY ${SPEAKER}`, `REPORTED_IN ${SOURCE}`]);
  });

  it('a retraction is a change of record: statedAt stays, retractedAt is when we were told, the claim stands before it', async () => {
    const { retractStatement } = await ok(
      'bob',
      `mutation { retractStatement(input: {id: "${statementInput.id}", reason: "The speaker withdrew it."}) { statement { retractedAt retractionReason statedAt { start } } changes { ${CHANGE} } ${ERRORS} } }`,
    );
    expect(retractStatement.userErrors).toEqual([]);
    const [change] = retractStatement.changes;
    expect(change.op).toBe('RETRACT');
    expect(retractStatement.statement).toEqual({ retractedAt: change.at, retractionReason: 'The speaker withdrew it.', statedAt: { start: '2024-12-16' } });
    expect(change.changes).toEqual([
      { property: 'retractedAt', before: null, after: change.at },
      { property: 'retractionReason', before: null, after: 'The speaker withdrew it.' },
    ]);
    const before = (await ok(undefined, AS_RECORDED, { id: statementInput.id, at: minus(change.at, 1) })).asRecorded;
    expect(before.exists).toBe(true);
    expect(before.properties.retractedAt).toBeUndefined();
    // An upsert of the same claim keeps the retraction and changes nothing.
    const again = (await ok('alice', UPSERT_STATEMENT, { input: statementInput })).upsertStatement;
    expect(again.changes).toEqual([]);
    expect((await h.data(`{ statement(id: "${statementInput.id}") { retractionReason } }`)).statement.retractionReason).toBe('The speaker withdrew it.');
  });
});

describe('what records nothing', () => {
  it('an idempotent upsert or link records nothing the second time', async () => {
    const input = { ...statementInput, id: 'statement:test-twice' };
    const first = (await ok('alice', UPSERT_STATEMENT, { input })).upsertStatement;
    expect(first.changes.length).toBeGreaterThan(0);
    const count = await changeCount();
    const second = (await ok('alice', UPSERT_STATEMENT, { input })).upsertStatement;
    expect(second).toMatchObject({ changes: [], userErrors: [] });
    expect(second.statement.updatedAt).toBe(first.statement.updatedAt);
    const stance = { type: 'SUPPORTS', from: 'statement:test-twice', to: 'statement:wgf-full-control-2024-12-16', properties: { note: 'Same claim.' } };
    expect((await ok('alice', LINK, { input: stance })).link.changes).toHaveLength(1);
    expect((await ok('alice', LINK, { input: stance })).link.changes).toEqual([]);
    expect(await changeCount()).toBe(count + 1);
    expect((await history('statement:test-twice')).totalCount).toBe(first.changes.length + 1);
  });

  it('changing only a relationship property records UPDATE_LINK with its before and after', async () => {
    const stance = { type: 'SUPPORTS', from: 'statement:test-twice', to: 'statement:wgf-full-control-2024-12-16', properties: { note: 'Same claim, same words.' } };
    const { link } = await ok('alice', LINK, { input: stance });
    expect(link.changes).toMatchObject([{ op: 'UPDATE_LINK', changes: [{ property: 'note', before: 'Same claim.', after: 'Same claim, same words.' }] }]);
  });

  it('a write refused for bad input records nothing and writes nothing', async () => {
    const count = await changeCount();
    const unknownSource = (await ok('alice', UPSERT_STATEMENT, {
      input: { ...statementInput, id: 'statement:test-refused', sources: [{ sourceId: 'source:does-not-exist' }] },
    })).upsertStatement;
    expect(unknownSource).toMatchObject({ statement: null, changes: [], userErrors: [{ field: ['input', 'sources', '0', 'sourceId'], code: 'NOT_FOUND' }] });
    const noSource = (await ok('alice', UPSERT_STATEMENT, { input: { ...statementInput, id: 'statement:test-refused', sources: [] } })).upsertStatement;
    expect(noSource.userErrors).toMatchObject([{ field: ['input', 'sources'], code: 'REQUIRED' }]);
    const refusedDelete = (await ok('alice', `mutation { deleteActor(input: {id: "${SPEAKER}"}) { deletedId changes { id } ${ERRORS} } }`)).deleteActor;
    expect(refusedDelete).toMatchObject({ deletedId: null, changes: [], userErrors: [{ code: 'HAS_DEPENDENTS' }] });
    const lastSource = (await ok('alice', `mutation { unlink(input: {type: REPORTED_IN, from: "${statementInput.id}", to: "${SOURCE}"}) { changes { id } ${ERRORS} } }`)).unlink;
    expect(lastSource).toMatchObject({ changes: [], userErrors: [{ code: 'REQUIRED' }] });
    const malformed = await as('alice', UPSERT_PLACE, { input: { id: 'place:log-bad', kind: 'VILLAGE', name: 'Bad' } });
    expect(malformed.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await changeCount()).toBe(count);
    expect((await h.data(`{ statement(id: "statement:test-refused") { id } }`)).statement).toBeNull();
    expect((await history('statement:test-refused')).totalCount).toBe(0);
  });

  it('a write that fails half-way rolls back the part already written, and its log', async () => {
    // The text is written before the new speaker is looked up; the unknown speaker must undo both.
    const count = await changeCount();
    const { updateStatement } = await ok(
      'alice',
      `mutation { updateStatement(input: {id: "${statementInput.id}", set: {text: "Rewritten.", speakerId: "actor:nobody-known"}}) { statement { id } changes { id } ${ERRORS} } }`,
    );
    expect(updateStatement).toMatchObject({ statement: null, changes: [], userErrors: [{ field: ['input', 'set', 'speakerId'], code: 'NOT_FOUND' }] });
    expect((await h.data(`{ statement(id: "${statementInput.id}") { text speaker { id } } }`)).statement).toEqual({ text: statementInput.text, speaker: { id: SPEAKER } });
    expect(await changeCount()).toBe(count);
  });
});
