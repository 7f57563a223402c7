import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { Database, databaseSettings } from '../../src/neo4j/database.js';
import type { Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { exportText } from '../../src/export/exportSubgraph.js';
import { resolveSelection, streamSubgraph } from '../../src/export/streamSubgraph.js';
import { readSampleBundle } from '../../src/sample/loadSample.js';
import { authHeader, createHarness, model, schema, silentLog, TEST_ADMIN, testConfig, type Harness } from '../harness.js';
import { graphCounts } from '../exchange.js';
import { countChanges } from '../changeLogEntries.js';

/**
 * Every Cypher transaction runs under a Neo4j transaction deadline, against the real Neo4j: a typed-API
 * write, an import batch and an export stream are stopped by Neo4j at theirs (503 QUERY_TIMEOUT with
 * Retry-After, and no transaction left running), the driver's pool is shared fairly (a request holds at
 * most a few transactions at once; a full pool is 503 DATABASE_UNAVAILABLE). Deadlines are made to pass by
 * holding a lock the work needs, or by pausing a stream: nothing here depends on the machine's speed.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const target = () => inject('neo4j');

/** A server over its own Database, made with `overrides` of the test configuration. */
async function serverWith(
  overrides: Partial<Config>,
): Promise<{ db: Database; server: RunningServer; config: Config; editor: Record<string, string>; close(): Promise<void> }> {
  const config: Config = { ...testConfig, ...overrides };
  const db = Database.connect(target(), databaseSettings(config));
  const server = await startServer({ db, log: silentLog, config, development: false, schema, host: '127.0.0.1', port: 0 });
  return {
    db,
    server,
    config,
    // Queries go anonymously (a reader); writes with an editor's key.
    editor: await authHeader(h.db, 'editor'),
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

async function post(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
}

class Rollback extends Error {}

/**
 * Holds write locks (taken by `cypher`) in a transaction of the harness's database until released; it
 * writes nothing (it is rolled back).
 */
async function holdLock(cypher: string, params: Record<string, unknown> = {}): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const done = h.db
    .writeTransaction(
      async (tx) => {
        await tx.run(cypher, params);
        locked();
        await released;
        throw new Rollback();
      },
      { deadline: 120_000, metadata: { test: 'lock-holder' } },
    )
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  await Promise.race([isLocked, done]);
  return {
    async release() {
      release();
      await done;
    },
  };
}

/** claimgraph's transactions that Neo4j is running, other than the lock holder and this look itself. */
async function runningTransactions(): Promise<Array<Record<string, unknown>>> {
  const result = await h.db.read('SHOW TRANSACTIONS YIELD transactionId, currentQuery, status, metaData RETURN transactionId, currentQuery, status, metaData');
  return result.records
    .map((r) => r.toObject())
    .filter((t: any) => t.metaData?.app === 'claimgraph' && t.metaData?.test !== 'lock-holder' && !String(t.currentQuery).startsWith('SHOW TRANSACTIONS'));
}

/** Waits (a few seconds at most) for Neo4j to have finished with every transaction but the lock holder. */
async function expectNoTransactionLeft(): Promise<void> {
  let left = await runningTransactions();
  for (let i = 0; i < 50 && left.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = await runningTransactions();
  }
  expect(left).toEqual([]);
}

async function kupyanskName(): Promise<string> {
  return (await h.db.read('MATCH (p:Place {id: "place:kupyansk"}) RETURN p.name AS name')).records[0].get('name');
}

async function changeCount(): Promise<number> {
  return countChanges(h.db);
}

const RENAME = `mutation ($name: String!) { updatePlace(input: {id: "place:kupyansk", set: {name: $name}}) { place { id name } userErrors { message } } }`;

describe('the typed API', () => {
  it('a mutation that waits past its deadline is stopped by Neo4j: 503 QUERY_TIMEOUT with Retry-After, nothing written, nothing left running', async () => {
    const api = await serverWith({ CLAIMGRAPH_QUERY_TIMEOUT_MS: 500 });
    const name = await kupyanskName();
    const changes = await changeCount();
    const lock = await holdLock('MATCH (p:Place {id: "place:kupyansk"}) SET p.name = p.name');
    try {
      const { status, retryAfter, body } = await post(api.server.url, RENAME, { name: 'Renamed under a lock' }, api.editor);
      expect(status).toBe(503);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions).toEqual({ code: 'QUERY_TIMEOUT', timeoutMs: 500 });
      expect(body.errors[0].message).toContain('500 ms');
      expect(JSON.stringify(body)).not.toMatch(/Neo\.|at .*\.js/);
      await expectNoTransactionLeft();
    } finally {
      await lock.release();
      await api.close();
    }
    expect(await kupyanskName()).toBe(name);
    expect(await changeCount()).toBe(changes);
  });

  it('(control) the same mutation, without the lock and under a deadline it can meet, is answered and written', async () => {
    const api = await serverWith({});
    try {
      const original = await kupyanskName();
      const renamed = await post(api.server.url, RENAME, { name: 'Kupyansk (renamed)' }, api.editor);
      expect(renamed.status).toBe(200);
      expect(renamed.body.data.updatePlace.place.name).toBe('Kupyansk (renamed)');
      expect((await post(api.server.url, RENAME, { name: original }, api.editor)).body.data.updatePlace.place.name).toBe(original);
    } finally {
      await api.close();
    }
  });

  it('a read through the gateway past its deadline is QUERY_TIMEOUT, and Neo4j stops it', async () => {
    const db = Database.connect(target(), databaseSettings({ ...testConfig, CLAIMGRAPH_QUERY_TIMEOUT_MS: 300 }));
    try {
      const error = await db.read('UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).extensions).toMatchObject({ code: 'QUERY_TIMEOUT', timeoutMs: 300, http: { status: 503 } });
      await expectNoTransactionLeft();
      // the gateway stays usable afterwards
      expect((await db.read('RETURN 1 AS one')).records[0].get('one').toNumber()).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe('import and export', () => {
  it('an import batch past its deadline is 503 QUERY_TIMEOUT, and that batch writes nothing', async () => {
    const api = await serverWith({ CLAIMGRAPH_IMPORT_BATCH_TIMEOUT_MS: 1_000 });
    const bundle = readSampleBundle() as { nodes: Array<{ id: string; properties: Record<string, unknown> }> };
    // every record of the sample, with Kupyansk renamed: the one batch needs Kupyansk's lock
    bundle.nodes.find((n) => n.id === 'place:kupyansk')!.properties.name = 'Renamed by import';
    const counts = await graphCounts(h.db);
    const changes = await changeCount();
    const lock = await holdLock('MATCH (p:Place {id: "place:kupyansk"}) SET p.name = p.name');
    try {
      const response = await fetch(new URL('/import', api.server.url), {
        method: 'POST',
        headers: { ...api.editor, 'content-type': 'application/json' },
        body: JSON.stringify(bundle),
      });
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await response.json()) as any;
      expect(body.errors[0].extensions).toEqual({ code: 'QUERY_TIMEOUT', timeoutMs: 1_000 });
      expect(body.errors[0].message).toContain('sending the same bundle again completes');
      await expectNoTransactionLeft();
    } finally {
      await lock.release();
      await api.close();
    }
    expect(await kupyanskName()).toBe('Kupyansk');
    expect(await graphCounts(h.db)).toEqual(counts);
    expect(await changeCount()).toBe(changes);
  });

  it('an export stream is one transaction under the export deadline: paused past it, it fails with QUERY_TIMEOUT and is gone', async () => {
    const db = Database.connect(target(), databaseSettings({ ...testConfig, CLAIMGRAPH_EXPORT_TIMEOUT_MS: 1_000 }));
    try {
      const selection = await resolveSelection(db, {}, TEST_ADMIN);
      // (the records themselves: an export's text begins with a header written before the transaction opens)
      const stream = streamSubgraph(db, model, selection);
      const first = await stream.next();
      expect(first.done).toBe(false);
      // The stream waits for its consumer; Neo4j (checking deadlines every couple of seconds) stops it meanwhile.
      let status = '';
      for (let i = 0; i < 300 && !status.startsWith('Terminated'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const result = await h.db.read("SHOW TRANSACTIONS YIELD metaData, status WHERE metaData.via = 'export' RETURN status");
        status = result.records[0]?.get('status') ?? '';
      }
      expect(status).toMatch(/^Terminated.*TransactionTimedOut/);
      const error = await (async () => {
        for await (const _ of stream) {
          /* drain */
        }
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as GraphQLError | null)?.extensions).toMatchObject({ code: 'QUERY_TIMEOUT', timeoutMs: 1_000 });
      await expectNoTransactionLeft();
    } finally {
      await db.close();
    }
  });

  it('(control) the same export, read without pausing and under a deadline it can meet, completes', async () => {
    const db = Database.connect(target(), databaseSettings({ ...testConfig, CLAIMGRAPH_EXPORT_TIMEOUT_MS: 120_000 }));
    try {
      let lines = 0;
      for await (const text of exportText(db, model, await resolveSelection(db, {}, TEST_ADMIN), 'ndjson')) lines += text.split('\n').length - 1;
      const counts = await graphCounts(h.db);
      expect(lines).toBeGreaterThan(counts.Place);
    } finally {
      await db.close();
    }
  });
});

describe('sessions per request', () => {
  const aliases = (n: number, field: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;
  // As many aliases as the guards allow in one request.
  const ALIASES = testConfig.CLAIMGRAPH_MAX_ALIASES;
  const SEARCHES = aliases(ALIASES, (i) => `search(query: "${['Kupyansk', 'Kharkiv', 'brigade', 'Sharov'][i % 4]}", first: 3) { totalCount }`);

  async function mostAtOnce(db: Database, run: () => Promise<unknown>): Promise<{ most: number; total: number }> {
    let open = 0;
    let most = 0;
    let total = 0;
    const off = db.onTransaction(() => {
      open++;
      total++;
      most = Math.max(most, open);
      return () => open--;
    });
    try {
      await run();
    } finally {
      off();
    }
    return { most, total };
  }

  it(`a request with ${ALIASES} aliases of search never has more than CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST (default ${testConfig.CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST}) transactions open, and gets every answer`, async () => {
    const api = await serverWith({});
    try {
      let body: any;
      const { most, total } = await mostAtOnce(api.db, async () => {
        const response = await post(api.server.url, SEARCHES);
        expect(response.status).toBe(200);
        body = response.body;
      });
      expect(body.errors).toBeUndefined();
      expect(Object.keys(body.data)).toHaveLength(ALIASES);
      expect(body.data.a0.totalCount).toBeGreaterThan(0);
      expect(total).toBeGreaterThanOrEqual(ALIASES);
      expect(most).toBeLessThanOrEqual(api.config.CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST);
      expect(most).toBeGreaterThan(1);
    } finally {
      await api.close();
    }
  });

  it('with a limit of 1, the same request runs its queries one at a time, with the same answers', async () => {
    const wide = await serverWith({});
    const narrow = await serverWith({ CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST: 1 });
    try {
      const expected = (await post(wide.server.url, SEARCHES)).body;
      let body: any;
      const { most } = await mostAtOnce(narrow.db, async () => {
        body = (await post(narrow.server.url, SEARCHES)).body;
      });
      expect(most).toBe(1);
      expect(body).toEqual(expected);
    } finally {
      await wide.close();
      await narrow.close();
    }
  });

  it('the limit is per request: parallel requests each keep to it, together at most their sum', async () => {
    const api = await serverWith({ CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST: 2 });
    try {
      const { most } = await mostAtOnce(api.db, async () => {
        const responses = await Promise.all([1, 2, 3].map(() => post(api.server.url, SEARCHES)));
        for (const r of responses) expect(r.status).toBe(200);
      });
      expect(most).toBeLessThanOrEqual(3 * 2);
    } finally {
      await api.close();
    }
  });

  it('a full pool answers 503 DATABASE_UNAVAILABLE with Retry-After once the acquisition timeout passes, and serves again after', async () => {
    const api = await serverWith({ CLAIMGRAPH_NEO4J_MAX_POOL_SIZE: 1, CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS: 500, CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS: 500 });
    // The pool's one connection is held by a transaction that waits for a lock.
    const lock = await holdLock('MATCH (p:Place {id: "place:kupyansk"}) SET p.name = p.name');
    const holder = api.db.write('MATCH (p:Place {id: "place:kupyansk"}) SET p.name = p.name', {}, { deadline: 60_000 }).catch((e) => e);
    try {
      let open = 0;
      for (let i = 0; i < 50 && open === 0; i++) {
        open = (await h.db.read("SHOW TRANSACTIONS YIELD metaData WHERE metaData.app = 'claimgraph' AND metaData.test IS NULL RETURN count(*) AS n")).records[0].get('n').toNumber();
        if (!open) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { status, retryAfter, body } = await post(api.server.url, '{ place(id: "place:kupyansk") { id } }');
      expect(status).toBe(503);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(body.errors[0].extensions).toEqual({ code: 'DATABASE_UNAVAILABLE' });
      expect(body.errors[0].message).toMatch(/busy/);
      // a busy pool is not a lost Neo4j: readiness stays up
      expect((await fetch(new URL('/health/ready', api.server.url))).status).toBe(200);
    } finally {
      await lock.release();
      await holder;
    }
    try {
      const { status, body } = await post(api.server.url, '{ place(id: "place:kupyansk") { id } }');
      expect(status).toBe(200);
      expect(body.data.place.id).toBe('place:kupyansk');
    } finally {
      await api.close();
    }
  });
});
