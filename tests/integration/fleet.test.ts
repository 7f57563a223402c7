import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import neo4j, { type Driver, type SessionConfig } from 'neo4j-driver';
import { Database, databaseSettings, type TransactionInfo } from '../../src/neo4j/database.js';
import { migrate } from '../../src/neo4j/migrations.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { BOOKMARK_HEADER, MAX_BOOKMARK_LENGTH, MAX_BOOKMARKS } from '../../src/http/bookmarkHeader.js';
import { resetToSample, schema, silentLog, testConfig, testKey, type TestKey } from '../harness.js';

/**
 * A fleet: two claimgraph servers, each with its own Database (its own driver, pool and bookmarks), over one
 * Neo4j reached through the routing scheme (neo4j://). Neo4j Community answers that scheme as a cluster of
 * one member that is reader and writer at once, so these tests see what a cluster would route (the access
 * mode of every transaction) and which bookmarks every transaction begins with.
 *
 * What they cannot see is a stale read: on one member every transaction sees every committed write, so
 * server B would find server A's write even without the bookmark, and a test that only read it back could
 * not fail. The guarantee is therefore proved where it is made: a request to B that carries A's bookmark has
 * every one of its transactions begin with it (Neo4j runs a transaction only on a member that has reached
 * its bookmarks, and refuses one it cannot read), while a request without it begins with B's own bookmarks,
 * which do not include A's write. Those reads are anonymous: a request with a key has the key looked up first,
 * in a transaction of B's own that, on one member, ends with the newest bookmark there is (A's write), and
 * would make the header's part impossible to see.
 *
 * Access modes are seen twice: as the Database reports them to its listeners, and where the Database hands
 * them to the driver (each server's driver is wrapped to record the mode of every session it opens and
 * whether a transaction is run with executeRead, executeWrite, beginTransaction or run), and the two must agree.
 */

const target = inject('neo4j');
/** The test Neo4j's address with the routing scheme (bolt+s:// becomes neo4j+s://, and so on). */
const routingUri = target.uri.replace(/^bolt(\+s|\+ssc)?:\/\//, 'neo4j$1://');

/** A transaction as this server's Database reported it: opened, then closed with the bookmarks it ended with. */
interface Recorded extends TransactionInfo {
  openedAt: number;
  closedAt?: number;
  ended?: readonly string[];
}

/** How the driver was asked to run a transaction, and so the access mode it runs it in. */
interface DriverAccess {
  how: 'executeRead' | 'executeWrite' | 'beginTransaction' | 'run';
  /** The session's defaultAccessMode (the driver's default, WRITE, when none is given). */
  session: 'READ' | 'WRITE';
  /** READ for executeRead, WRITE for executeWrite, the session's mode for the others. */
  mode: 'READ' | 'WRITE';
}

interface Member {
  name: string;
  db: Database;
  server: RunningServer;
  base: string;
  /** Every transaction this server's Database opened, in order. */
  transactions: Recorded[];
  /** Every transaction its driver was asked to run, in order. */
  accesses: DriverAccess[];
}

let clock = 0;

/** `driver`, with every session it opens recording how its transactions are run into `log`. */
function recordingDriver(driver: Driver, log: DriverAccess[]): Driver {
  const open = driver.session.bind(driver);
  driver.session = (config: SessionConfig = {}) => {
    const session = open(config);
    const sessionMode = config.defaultAccessMode === neo4j.session.READ ? 'READ' : 'WRITE';
    for (const how of ['executeRead', 'executeWrite', 'beginTransaction', 'run'] as const) {
      const original = (session[how] as (...args: unknown[]) => unknown).bind(session);
      const mode = how === 'executeRead' ? 'READ' : how === 'executeWrite' ? 'WRITE' : sessionMode;
      (session as unknown as Record<string, unknown>)[how] = (...args: unknown[]) => {
        log.push({ how, session: sessionMode, mode });
        return original(...args);
      };
    }
    return session;
  };
  return driver;
}

async function startMember(name: string, config: typeof testConfig): Promise<Member> {
  const accesses: DriverAccess[] = [];
  const makeDriver = neo4j.driver;
  // Only the Database's own driver is wrapped (the readiness monitor makes a second one later).
  const spy = vi.spyOn(neo4j, 'driver').mockImplementationOnce((...args: Parameters<typeof neo4j.driver>) => recordingDriver(makeDriver(...args), accesses));
  const db = Database.connect({ ...target, uri: routingUri }, databaseSettings(config));
  expect(spy).toHaveBeenCalledTimes(1);
  spy.mockRestore();
  const transactions: Recorded[] = [];
  db.onTransaction((info) => {
    const recorded: Recorded = { ...info, openedAt: clock++ };
    transactions.push(recorded);
    return (ended) => {
      recorded.closedAt = clock++;
      recorded.ended = ended;
    };
  });
  const server = await startServer({ db, log: silentLog, config, development: false, schema, host: '127.0.0.1', port: 0 });
  return { name, db, server, base: server.url.replace(/\/graphql$/, ''), transactions, accesses };
}

/**
 * Deadlines and the loss of Neo4j are not what is tested here (deadlines.test.ts and neo4jLoss.test.ts are):
 * a fresh Neo4j on a busy machine may take longer than the default 15 s to plan an export's first queries,
 * and the readiness check's first look through the routing scheme (a routing table, then a connection) longer
 * than the default 2 s, after which every query would fail fast as if Neo4j were gone.
 */
const fleetConfig = {
  ...testConfig,
  CLAIMGRAPH_QUERY_TIMEOUT_MS: 120_000,
  CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS: 15_000,
  CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS: 30_000,
};

let a: Member;
let b: Member;
/** Requests here act as an editor (who may read, write and import); the Cypher field needs an admin. */
let editor: TestKey;
let admin: TestKey;
beforeAll(async () => {
  // A has the read-only Cypher endpoint on, to see that it reads too.
  a = await startMember('A', { ...fleetConfig, CLAIMGRAPH_CYPHER_ENDPOINT: 'on' });
  b = await startMember('B', fleetConfig);
  await resetToSample(a.db);
  // Keys live in Neo4j, so a key made through one server's database is good on both.
  editor = await testKey(a.db, 'editor');
  admin = await testKey(b.db, 'admin', 'RED');
});
afterAll(async () => {
  for (const m of [a, b]) {
    await m?.server.stop();
    await m?.db.close();
  }
});
afterEach(() => {
  vi.useRealTimers();
});

interface Answer {
  status: number;
  body: any;
  bookmark: string | null;
  headers: Headers;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // an export in a text format
  }
  return { status: response.status, body, bookmark: response.headers.get(BOOKMARK_HEADER), headers: response.headers };
}

/** Who a request acts as: a key, or nobody (an anonymous reader, who needs no key looked up first). */
type As = TestKey | 'anonymous';
const credentials = (as: As) => (as === 'anonymous' ? {} : as.headers);

function gql(m: Member, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}, as: As = editor): Promise<Answer> {
  return fetch(m.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credentials(as), ...headers },
    body: JSON.stringify({ query, variables }),
  }).then(answer);
}

function importBundle(m: Member, bundle: unknown, headers: Record<string, string> = {}, query = ''): Promise<Answer> {
  return fetch(`${m.base}/import${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...editor.headers, ...headers },
    body: JSON.stringify(bundle),
  }).then(answer);
}

function exportGet(m: Member, query: string, headers: Record<string, string> = {}, as: As = editor): Promise<Answer> {
  return fetch(`${m.base}/export?${query}`, { headers: { ...credentials(as), ...headers } }).then(answer);
}

interface Seen<T> {
  result: T;
  /** The transactions of the requests' own views (those that carry their bookmarks). */
  transactions: Recorded[];
  /** Every transaction the Database opened meanwhile: also the server's own (looking up API keys, noting their use). */
  all: Recorded[];
  /** How the driver was asked to run every one of them. */
  accesses: DriverAccess[];
}

/** What `run` answered, and the transactions `m`'s Database opened meanwhile (requests here run one at a time). */
async function during<T>(m: Member, run: () => Promise<T>): Promise<Seen<T>> {
  const from = m.transactions.length;
  const fromAccess = m.accesses.length;
  const result = await run();
  const all = m.transactions.slice(from);
  return { result, transactions: all.filter((t) => t.scope === 'request'), all, accesses: m.accesses.slice(fromAccess) };
}

/**
 * The access modes of the requests' transactions. Every transaction's mode, as the Database reported it, is
 * the one the driver ran it in (one for one, in order), and the session it ran in was opened in that mode.
 */
function modesOf(seen: Seen<unknown>, what: string): Set<'READ' | 'WRITE'> {
  expect(seen.accesses.map((a) => a.mode), what).toEqual(seen.all.map((t) => t.mode));
  // Over neo4j:// the session's mode picks the member.
  for (const access of seen.accesses) expect(access.session, what).toBe(access.mode);
  return new Set(seen.transactions.map((t) => t.mode));
}

/** Every bookmark a transaction of `m`'s Database has ended with so far: what `m` has seen by itself. */
const seenBy = (m: Member) => new Set(m.transactions.flatMap((t) => t.ended ?? []));

/**
 * Every transaction of a request began no older than `handed`: with all of those bookmarks, or with one that
 * a transaction of the same request, itself so begun, ended with before it opened (a bookmark a transaction
 * ends with replaces, and is newer than, those it began with).
 */
function expectBeganWith(transactions: Recorded[], handed: string[], what = ''): void {
  expect(transactions.length, what).toBeGreaterThan(0);
  expect(handed.length, what).toBeGreaterThan(0);
  const newer = new Set<string>();
  const events = transactions
    .flatMap((t) => [{ at: t.openedAt, t, opens: true }, ...(t.closedAt === undefined ? [] : [{ at: t.closedAt, t, opens: false }])])
    .sort((x, y) => x.at - y.at);
  const covered = new Set<Recorded>();
  for (const { t, opens } of events) {
    if (opens) {
      const ok = handed.every((b) => t.bookmarks.includes(b)) || t.bookmarks.some((b) => newer.has(b));
      expect(ok, `${what}: a transaction began with ${JSON.stringify(t.bookmarks)}, not with ${JSON.stringify(handed)} or newer`).toBe(true);
      covered.add(t);
    } else if (covered.has(t)) {
      for (const b of t.ended ?? []) newer.add(b);
    }
  }
  // The first one, at least, began with exactly what was handed in (nothing newer existed yet).
  expect(transactions[0].bookmarks, what).toEqual(expect.arrayContaining(handed));
}

const bookmarksOf = (header: string | null) => (header ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const uniqueId = (type: string) => `${type}:fleet-${randomBytes(4).toString('hex')}`;
const bundleOf = (...nodes: Array<{ label: string; id: string; properties: Record<string, unknown> }>) => ({ format: 'claimgraph-bundle', version: 1, nodes, edges: [] });
const actorNode = (id: string, name: string) => ({ label: 'Actor', id, properties: { kind: 'PERSON', name, side: 'UNKNOWN' } });

const UPSERT_ACTOR = `mutation ($id: ID!, $name: String!) {
  upsertActor(input: {id: $id, kind: PERSON, name: $name, side: "UNKNOWN"}) { actor { id name } changes { op at } userErrors { message } }
}`;
const ACTOR = 'query ($id: ID!) { actor(id: $id) { id name updatedAt } }';

describe('routing: reads go to readers, writes to the writer', () => {
  it('the servers reach Neo4j through the routing driver, which lists the one member as reader and writer', async () => {
    expect(routingUri).toMatch(/^neo4j(\+s|\+ssc)?:\/\//);
    const result = await a.db.read('CALL dbms.routing.getRoutingTable({}, $database) YIELD servers RETURN servers', { database: target.database });
    const roles = (result.records[0].get('servers') as Array<{ role: string }>).map((s) => s.role);
    expect(new Set(roles)).toEqual(new Set(['READ', 'ROUTE', 'WRITE']));
  });

  it('Neo4j holds a transaction to its access mode: a write in a READ transaction is refused', async () => {
    // What the listener reports is what the session was opened with, and Neo4j acts on it.
    await expect(a.db.read('CREATE (:FleetProbe)')).rejects.toMatchObject({ code: 'Neo.ClientError.Statement.AccessMode' });
    expect((await a.db.read('MATCH (n:FleetProbe) RETURN count(n) AS n')).records[0].get('n').toNumber()).toBe(0);
  });

  it('queries, search, research, history, the Cypher endpoint and the GraphQL export read only', async () => {
    const operations = [
      '{ place(id: "place:kupyansk") { id name } actors(first: 3) { edges { node { id name } } totalCount } }',
      '{ search(query: "Kupyansk") { totalCount edges { score node { id } } } }',
      '{ provenance(id: "statement:wgf-full-control-2024-12-16") { speaker { id } reports { source { id } } } }',
      '{ timeline(id: "place:kupyansk") { totalCount } contestedClaims(about: "place:kupyansk") { totalCount } }',
      '{ neighbourhood(id: "place:kupyansk") { nodes { id } } }',
      '{ history(id: "place:kupyansk") { totalCount } asRecorded(id: "place:kupyansk", at: "2030-01-01T00:00:00Z") { exists } }',
      '{ cypher(query: "MATCH (n:Place) RETURN count(n) AS places") { rows } }',
      '{ exportSubgraph(selection: {seeds: ["place:kupyansk"], depth: 1}) { nodeCount text } }',
    ];
    for (const query of operations) {
      const seen = await during(a, () => gql(a, query, {}, query.includes('cypher') ? admin.headers : editor.headers));
      const { result, transactions } = seen;
      expect(result.status, `${query}: ${JSON.stringify(result.body)}`).toBe(200);
      expect(result.body.errors, query).toBeUndefined();
      expect(transactions.length, query).toBeGreaterThan(0);
      expect(modesOf(seen, query), query).toEqual(new Set(['READ']));
      // A request that neither wrote nor sent bookmarks gets none back.
      expect(result.bookmark, query).toBeNull();
    }
  }, 240_000); // eight requests in a row, the export and research among them: roomy for a busy machine

  it('a mutation writes in one WRITE transaction; its checks and its payload read', async () => {
    const id = uniqueId('actor');
    const seen = await during(a, () => gql(a, UPSERT_ACTOR, { id, name: 'Fleet Routing' }));
    const { result, transactions } = seen;
    expect(result.body.data.upsertActor.userErrors).toEqual([]);
    expect(modesOf(seen, 'upsertActor')).toEqual(new Set(['READ', 'WRITE']));
    const writes = transactions.filter((t) => t.mode === 'WRITE');
    expect(writes).toHaveLength(1);
    expect(writes[0].metadata.via).toBe('upsertActor');
    expect(transactions.filter((t) => t.mode === 'READ').length).toBeGreaterThan(0);
  });

  it('a mutation refused with userErrors writes nothing and hands out no bookmark', async () => {
    const { result, transactions } = await during(a, () =>
      gql(a, 'mutation { updateActor(input: {id: "actor:fleet-nobody", set: {name: "x"}}) { userErrors { code } } }'),
    );
    expect(result.body.data.updateActor.userErrors[0].code).toBe('NOT_FOUND');
    expect(result.bookmark).toBeNull();
    expect(transactions.every((t) => t.mode === 'READ' || t.metadata.via === 'updateActor')).toBe(true);
  });

  it('an import writes its batches in WRITE transactions and validates in READ ones; a dry run only reads', async () => {
    // Two places within Kupyansk, which is not in the bundle: validation reads the database for it.
    const [one, two] = [uniqueId('place'), uniqueId('place')];
    const bundle = {
      ...bundleOf({ label: 'Place', id: one, properties: { name: 'Fleet Import One', kind: 'DISTRICT' } }, { label: 'Place', id: two, properties: { name: 'Fleet Import Two', kind: 'DISTRICT' } }),
      edges: [
        { type: 'PART_OF', from: one, to: 'place:kupyansk' },
        { type: 'PART_OF', from: two, to: 'place:kupyansk' },
      ],
    };
    const dry = await during(a, () => importBundle(a, bundle, {}, '?dryRun=true'));
    expect(dry.result.status, JSON.stringify(dry.result.body)).toBe(200);
    expect(dry.transactions.length).toBeGreaterThan(0);
    expect(modesOf(dry, 'dry run')).toEqual(new Set(['READ']));
    expect(dry.result.bookmark).toBeNull();
    expect((await gql(a, `{ place(id: "${one}") { id } }`)).body.data.place).toBeNull();

    const real = await during(a, () => importBundle(a, bundle, {}, '?batchSize=2'));
    expect(real.result.status, JSON.stringify(real.result.body)).toBe(200);
    expect(real.result.body).toMatchObject({ nodesCreated: 2, edgesCreated: 2 });
    expect(modesOf(real, 'import')).toEqual(new Set(['READ', 'WRITE']));
    const writes = real.transactions.filter((t) => t.mode === 'WRITE');
    expect(writes).toHaveLength(2);
    expect(writes.every((t) => t.metadata.via === 'import')).toBe(true);
    expect(real.transactions.some((t) => t.mode === 'READ')).toBe(true);
    expect(real.result.bookmark).toMatch(/\S/);
  });

  it('exports read only, in every form', async () => {
    for (const query of ['format=json&seeds=place:kupyansk&depth=1', 'format=ndjson', 'format=csv', 'format=csv&part=nodes_Place.csv']) {
      const seen = await during(a, () => exportGet(a, query));
      expect(seen.result.status, query).toBe(200);
      expect(seen.transactions.length, query).toBeGreaterThan(0);
      expect(modesOf(seen, query), query).toEqual(new Set(['READ']));
    }
    const posted = await during(b, () =>
      fetch(`${b.base}/export`, { method: 'POST', headers: { 'content-type': 'application/json', ...editor.headers }, body: JSON.stringify({ format: 'cypher', selection: { seeds: ['place:kupyansk'], depth: 0 } }) }).then(answer),
    );
    expect(posted.result.status).toBe(200);
    expect(modesOf(posted, 'POST /export')).toEqual(new Set(['READ']));
  }, 240_000);

  it('both servers are healthy (readiness checks Neo4j through a routing READ of their own)', async () => {
    for (const m of [a, b]) {
      for (const path of ['/health', '/health/ready', '/health/live']) {
        const response = await fetch(`${m.base}${path}`);
        expect(response.status, `${m.name} ${path}`).toBe(200);
        expect(((await response.json()) as { status: string }).status).toBe('ok');
      }
    }
  });
});

describe('read-your-own-writes across servers: the bookmark header', () => {
  it("a write through A hands out its bookmark; B, given it, begins every transaction with it and sees the write", async () => {
    const id = uniqueId('actor');
    const written = await gql(a, UPSERT_ACTOR, { id, name: 'Written Through A' });
    expect(written.body.data.upsertActor.userErrors).toEqual([]);
    expect(written.bookmark).toBeTruthy();
    expect(written.headers.get('access-control-expose-headers')).toContain(BOOKMARK_HEADER);
    const handed = bookmarksOf(written.bookmark);
    expect(handed.length).toBeGreaterThan(0);

    // B has not run a transaction since A's write (the read is anonymous: no key to look up first), so its
    // own bookmarks cannot hold A's: only the header can bring it.
    expect(handed.some((bm) => seenBy(b).has(bm))).toBe(false);
    const { result, transactions } = await during(b, () => gql(b, ACTOR, { id }, { [BOOKMARK_HEADER]: written.bookmark! }, 'anonymous'));
    expect(result.body).toEqual({ data: { actor: { id, name: 'Written Through A', updatedAt: expect.any(String) } } });
    expectBeganWith(transactions, handed, 'B');
    // The response hands back the newest bookmarks of the request (the same or newer), to keep and send on.
    expect(bookmarksOf(result.bookmark).length).toBeGreaterThan(0);
  });

  it('without the header, B begins with its own bookmarks, which do not include a write made through A', async () => {
    const id = uniqueId('actor');
    const written = await gql(a, UPSERT_ACTOR, { id, name: 'Not Handed On' });
    const handed = bookmarksOf(written.bookmark);
    expect(handed.some((bm) => seenBy(b).has(bm))).toBe(false);
    const { result, transactions } = await during(b, () => gql(b, ACTOR, { id }, {}, 'anonymous'));
    // One member: the write is visible anyway. On a cluster this first transaction could have run on a
    // replica that had not received the write yet: nothing made it wait for it.
    expect(result.body.data.actor.id).toBe(id);
    expect(transactions[0].bookmarks.some((bm) => handed.includes(bm))).toBe(false);
    expect(result.bookmark).toBeNull();
  });

  it('one server reads its own writes without the header: its transactions begin with its latest bookmarks', async () => {
    const id = uniqueId('actor');
    const written = await gql(a, UPSERT_ACTOR, { id, name: 'Own Write' });
    const { result, transactions } = await during(a, () => gql(a, ACTOR, { id }));
    expect(result.body.data.actor.name).toBe('Own Write');
    expectBeganWith(transactions, bookmarksOf(written.bookmark), 'A');
  });

  it('a chain of writes over both servers: each hands on a bookmark the next server begins with', async () => {
    const id = uniqueId('actor');
    let bookmark = (await gql(a, UPSERT_ACTOR, { id, name: 'Chain 0' })).bookmark!;
    for (let i = 1; i <= 4; i++) {
      const m = i % 2 ? b : a;
      const { result, transactions } = await during(m, () =>
        gql(m, `mutation { updateActor(input: {id: "${id}", set: {name: "Chain ${i}"}}) { actor { name } userErrors { message } } }`, {}, { [BOOKMARK_HEADER]: bookmark }),
      );
      expect(result.body.data.updateActor).toEqual({ actor: { name: `Chain ${i}` }, userErrors: [] });
      expectBeganWith(transactions, bookmarksOf(bookmark), `${m.name}, write ${i}`);
      expect(transactions.filter((t) => t.mode === 'WRITE')).toHaveLength(1);
      expect(result.bookmark).toBeTruthy();
      bookmark = result.bookmark!;
    }
    const history = await gql(a, `{ history(id: "${id}") { edges { node { op via changes { property after } } } } }`, {}, { [BOOKMARK_HEADER]: bookmark });
    const names = history.body.data.history.edges.map((e: any) => e.node.changes.find((c: any) => c.property === 'name').after);
    expect(names).toEqual(['Chain 0', 'Chain 1', 'Chain 2', 'Chain 3', 'Chain 4']);
  });

  it('an import through B is exported through A when A is given its bookmark', async () => {
    const id = uniqueId('place');
    const imported = await importBundle(b, bundleOf({ label: 'Place', id, properties: { name: 'Fleet Village', kind: 'CITY' } }));
    expect(imported.status).toBe(200);
    expect(imported.bookmark).toBeTruthy();
    const handed = bookmarksOf(imported.bookmark);
    expect(handed.some((bm) => seenBy(a).has(bm))).toBe(false);
    const { result, transactions } = await during(a, () => exportGet(a, `format=ndjson&seeds=${id}&depth=0`, { [BOOKMARK_HEADER]: imported.bookmark! }, 'anonymous'));
    expect(result.status).toBe(200);
    expect(result.body).toContain(id);
    expectBeganWith(transactions, handed, 'export');
    // The export hands the bookmarks back too (it sent some).
    expect(bookmarksOf(result.bookmark).length).toBeGreaterThan(0);
  });

  it('an import through A given a mutation bookmark from B, and a link through B given the import bookmark', async () => {
    const townId = uniqueId('place');
    const fromB = await gql(b, `mutation { upsertPlace(input: {id: "${townId}", name: "Fleet Town", kind: CITY}) { userErrors { message } } }`);
    expect(fromB.body.data.upsertPlace.userErrors).toEqual([]);
    const districtId = uniqueId('place');
    const { result: imported, transactions } = await during(a, () =>
      importBundle(a, bundleOf({ label: 'Place', id: districtId, properties: { name: 'Fleet District', kind: 'DISTRICT' } }), { [BOOKMARK_HEADER]: fromB.bookmark! }),
    );
    expect(imported.status).toBe(200);
    expectBeganWith(transactions, bookmarksOf(fromB.bookmark), 'import');
    const linked = await gql(
      b,
      `mutation { link(input: {type: PART_OF, from: "${districtId}", to: "${townId}"}) { changes { op } userErrors { message code } } }`,
      {},
      { [BOOKMARK_HEADER]: imported.bookmark! },
    );
    expect(linked.status).toBe(200);
    expect(linked.body.data.link).toEqual({ changes: [{ op: 'LINK' }], userErrors: [] });
  });

  it('several bookmarks in one header, or in repeated header lines, are all begun with', async () => {
    const first = await gql(a, UPSERT_ACTOR, { id: uniqueId('actor'), name: 'First Of Two' });
    const second = await gql(b, UPSERT_ACTOR, { id: uniqueId('actor'), name: 'Second Of Two' });
    const both = [...bookmarksOf(first.bookmark), ...bookmarksOf(second.bookmark)];

    const joined = await during(a, () => gql(a, '{ place(id: "place:kupyansk") { id } }', {}, { [BOOKMARK_HEADER]: both.join(', ') }));
    expect(joined.result.status).toBe(200);
    expectBeganWith(joined.transactions, both, 'one header');

    // Two header lines: HTTP joins them with a comma, and so does the server.
    const repeated = await during(b, () => rawPost(b, '{ place(id: "place:kupyansk") { id } }', { [BOOKMARK_HEADER]: both }));
    expect(repeated.result.status).toBe(200);
    expectBeganWith(repeated.transactions, both, 'repeated lines');
  });

  it('a request of many transactions hands back no more bookmarks than it ran at once, and they are taken back', async () => {
    const written = await gql(a, UPSERT_ACTOR, { id: uniqueId('actor'), name: 'Before Many Reads' });
    const query = `{ ${Array.from({ length: 8 }, (_, i) => `s${i}: search(query: "Kupyansk ${i}") { totalCount }`).join(' ')} }`;
    const { result, transactions } = await during(b, () => gql(b, query, {}, { [BOOKMARK_HEADER]: written.bookmark! }));
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(transactions.length).toBeGreaterThanOrEqual(8);
    expectBeganWith(transactions, bookmarksOf(written.bookmark), 'eight searches');
    const back = bookmarksOf(result.bookmark);
    expect(back.length).toBeGreaterThan(0);
    expect(back.length).toBeLessThanOrEqual(fleetConfig.CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST);
    const again = await during(a, () => gql(a, '{ place(id: "place:kupyansk") { id } }', {}, { [BOOKMARK_HEADER]: result.bookmark! }));
    expect(again.result.status).toBe(200);
    expectBeganWith(again.transactions, back, 'sent back');
  });

  it('an empty header is no header', async () => {
    const { result, transactions } = await during(a, () => gql(a, '{ place(id: "place:kupyansk") { id } }', {}, { [BOOKMARK_HEADER]: '  ' }));
    expect(result.status).toBe(200);
    expect(result.bookmark).toBeNull();
    expect(transactions.length).toBeGreaterThan(0);
  });

  it('a server whose clock is an hour behind still files its change after the earlier one (the time of record is Neo4j’s)', async () => {
    const id = uniqueId('actor');
    const first = await gql(a, UPSERT_ACTOR, { id, name: 'Before The Skew' });
    const firstAt = Date.parse(first.body.data.upsertActor.changes[0].at);
    const realNow = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: realNow - 3_600_000 });
    const second = await gql(b, `mutation { updateActor(input: {id: "${id}", set: {name: "After The Skew"}}) { changes { at } } }`, {}, { [BOOKMARK_HEADER]: first.bookmark! });
    vi.useRealTimers();
    const secondAt = Date.parse(second.body.data.updateActor.changes[0].at);
    expect(secondAt).toBeGreaterThanOrEqual(firstAt);
    expect(Math.abs(secondAt - realNow)).toBeLessThan(10 * 60_000);
    const history = await gql(a, `{ history(id: "${id}") { edges { node { op changes { after } } } } }`, {}, { [BOOKMARK_HEADER]: second.bookmark! });
    expect(history.body.data.history.edges.map((e: any) => e.node.op)).toEqual(['CREATE', 'UPDATE']);
    const actor = await gql(a, ACTOR, { id }, { [BOOKMARK_HEADER]: second.bookmark! });
    expect(Date.parse(actor.body.data.actor.updatedAt)).toBe(secondAt);
  });
});

/** A POST with header lines given as arrays sent as repeated lines (fetch would join them itself). */
function rawPost(m: Member, query: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const req = http.request(m.server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...editor.headers, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the bookmark header is checked', () => {
  const MALFORMED: Record<string, string> = {
    'a character no bookmark has': 'FB:kcwQ<script>',
    'a space inside': 'FB:kcwQ abc',
    'an empty item': 'FB:abc,,FB:def',
    'a trailing comma': 'FB:abc,',
    'a bookmark too long': `FB:${'A'.repeat(MAX_BOOKMARK_LENGTH)}`,
    'too many bookmarks': Array.from({ length: MAX_BOOKMARKS + 1 }, (_, i) => `FB:b${i}`).join(','),
    'quotes': '"FB:kcwQ"',
    'a JSON list': '["FB:kcwQ"]',
  };
  const expectRefused = (result: Answer | { status: number; body: any }, what: string) => {
    expect(result.status, what).toBe(400);
    expect(result.body.errors[0].extensions, what).toEqual({ code: 'BAD_USER_INPUT', argument: BOOKMARK_HEADER });
    expect(result.body.errors[0].message, what).toContain(BOOKMARK_HEADER);
    expect(JSON.stringify(result.body), what).not.toMatch(/at \w+ \(|node_modules/);
  };

  for (const [what, value] of Object.entries(MALFORMED)) {
    it(`is refused with ${what}, on every route, before any transaction`, async () => {
      const id = uniqueId('actor');
      const { result: results, transactions } = await during(a, async () => [
        await gql(a, '{ place(id: "place:kupyansk") { id } }', {}, { [BOOKMARK_HEADER]: value }),
        await gql(a, UPSERT_ACTOR, { id, name: 'Never Written' }, { [BOOKMARK_HEADER]: value }),
        await importBundle(a, bundleOf(actorNode(id, 'Never Imported')), { [BOOKMARK_HEADER]: value }),
        await exportGet(a, 'format=json', { [BOOKMARK_HEADER]: value }),
      ]);
      for (const result of results) expectRefused(result, what);
      expect(transactions).toEqual([]);
      expect((await gql(a, ACTOR, { id })).body.data.actor).toBeNull();
    });
  }

  it('a well-formed bookmark Neo4j cannot read is refused (400 naming the header) and nothing is written', async () => {
    const bogus = 'FB:notabookmark';
    const id = uniqueId('actor');
    expectRefused(await gql(b, '{ place(id: "place:kupyansk") { id } }', {}, { [BOOKMARK_HEADER]: bogus }), 'query');
    const mutation = await gql(b, UPSERT_ACTOR, { id, name: 'Never Written' }, { [BOOKMARK_HEADER]: bogus });
    expect(mutation.status).toBe(400);
    expect(mutation.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: BOOKMARK_HEADER });
    expectRefused(await importBundle(b, bundleOf(actorNode(id, 'Never Imported')), { [BOOKMARK_HEADER]: bogus }), 'import');
    expectRefused(await exportGet(b, 'format=json', { [BOOKMARK_HEADER]: bogus }), 'export');
    expect((await gql(b, ACTOR, { id })).body.data.actor).toBeNull();
    // The refused bookmark never became the server's: its next request without the header is served.
    const after = await gql(b, '{ place(id: "place:kupyansk") { id } }');
    expect(after.body).toEqual({ data: { place: { id: 'place:kupyansk' } } });
  });

  it('a bookmark another server handed out is accepted after a stranger’s malformed one was refused', async () => {
    const written = await gql(a, UPSERT_ACTOR, { id: uniqueId('actor'), name: 'After A Refusal' });
    expect((await gql(b, '{ place(id: "place:kupyansk") { id } }', {}, { [BOOKMARK_HEADER]: 'FB:x y' })).status).toBe(400);
    const read = await gql(b, '{ place(id: "place:kupyansk") { id } }', {}, { [BOOKMARK_HEADER]: written.bookmark! });
    expect(read.status).toBe(200);
  });
});

describe('nothing a request leaves behind is needed by the next one', () => {
  it('a cursor from A pages on B, and the pages are the same as A’s', async () => {
    const query = 'query ($after: String) { places(first: 3, after: $after) { edges { node { id } } pageInfo { endCursor hasNextPage } } }';
    const first = await gql(a, query);
    const cursor = first.body.data.places.pageInfo.endCursor;
    const onB = await gql(b, query, { after: cursor });
    const onA = await gql(a, query, { after: cursor });
    expect(onB.body).toEqual(onA.body);
    expect(onB.body.data.places.edges.length).toBeGreaterThan(0);
  });

  it('a persisted query registered on A is unknown to B until the client sends the query with its hash again', async () => {
    const query = '{ place(id: "place:kupyansk") { name } }';
    const { createHash } = await import('node:crypto');
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const send = (m: Member, body: object) =>
      fetch(m.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...editor.headers }, body: JSON.stringify(body) }).then(answer);
    expect((await send(a, { query, extensions })).status).toBe(200);
    expect((await send(a, { extensions })).body.data.place.name).toBeTruthy();
    // Each server keeps its own cache; the protocol's answer to a miss is to send the query again.
    const miss = await send(b, { extensions });
    expect(miss.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await send(b, { query, extensions })).body.data.place.name).toBeTruthy();
    expect((await send(b, { extensions })).body.data.place.name).toBeTruthy();
  });

  it('two servers starting at once both migrate: an index the other made meanwhile is no failure', async () => {
    for (let round = 0; round < 3; round++) {
      await a.db.write('DROP INDEX statement_kind IF EXISTS');
      await a.db.write('DROP INDEX source_title IF EXISTS');
      await a.db.write('DROP INDEX actor_name IF EXISTS');
      await Promise.all([migrate(a.db), migrate(b.db), migrate(a.db)]);
      const result = await b.db.read("SHOW INDEXES YIELD name, state WHERE name IN ['statement_kind', 'source_title', 'actor_name'] RETURN collect(state) AS states");
      expect(result.records[0].get('states')).toEqual(['ONLINE', 'ONLINE', 'ONLINE']);
    }
  });
});
