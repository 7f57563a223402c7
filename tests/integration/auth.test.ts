import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, model, startTestServer, testKey, type Harness, type TestKey, type TestServer } from '../harness.js';
import { fingerprint } from '../fingerprint.js';
import { exportString } from '../exchange.js';
import { hashApiKey, LAST_USED_INTERVAL_MS, newApiKey, revokeApiKey } from '../../src/auth/apiKeys.js';
import { INVALID_CREDENTIAL, MISSING_CREDENTIAL } from '../../src/auth/accessErrors.js';
import { allChanges, changesAbout } from '../changeLogEntries.js';

/**
 * Principals over real HTTP against the real Neo4j: API keys (every kind of bad one is the same 401),
 * revocation (on the next request, or once a server's cached check of the key expires), every role boundary (refused before anything runs: the database is
 * unchanged), anonymous access both ways, who the change log records whatever the request says, and the
 * per-principal rate limit.
 */

let h: Harness;
/** Anonymous callers are readers (the development and test default); the Cypher field is on. */
let open: TestServer;
/** CLAIMGRAPH_ANONYMOUS=none. */
let closed: TestServer;
let reader: TestKey;
let editor: TestKey;
let admin: TestKey;

beforeAll(async () => {
  h = await createHarness();
  open = await startTestServer(h, 'anonymous', { CLAIMGRAPH_CYPHER_ENDPOINT: 'on' });
  closed = await startTestServer(h, 'anonymous', { CLAIMGRAPH_ANONYMOUS: 'none' });
  reader = await testKey(h.db, 'reader');
  editor = await testKey(h.db, 'editor');
  admin = await testKey(h.db, 'admin', 'RED');
});
afterAll(async () => {
  await open?.stop();
  await closed?.stop();
  await h?.close();
});

const baseOf = (server: TestServer) => server.url.replace(/\/graphql$/, '');

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function request(server: TestServer, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${baseOf(server)}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* an export in a non-JSON format, a page */
  }
  return { status: response.status, headers: response.headers, body };
}

const gql = (server: TestServer, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) =>
  request(server, '/graphql', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });

const PLACES = '{ places(first: 2) { totalCount } }';
const RENAME = (name: string) => `mutation { updatePlace(input: {id: "place:kupyansk", set: {description: "${name}"}}) { place { id } changes { who } userErrors { message } } }`;
const CYPHER = '{ cypher(query: "MATCH (p:Place {id: \\"place:kupyansk\\"}) RETURN p.name AS name") { rows } }';
const bundle = JSON.stringify({
  format: 'claimgraph-bundle',
  version: 1,
  nodes: [{ label: 'Place', id: 'place:auth-test-village', properties: { kind: 'CITY', name: 'Auth Test Village' } }],
  edges: [],
});

/** Every route that touches the graph, as a request with `headers`. */
const ROUTES: Array<[string, (server: TestServer, headers: Record<string, string>) => Promise<Answer>]> = [
  ['POST /graphql', (s, headers) => gql(s, PLACES, headers)],
  ['GET /graphql', (s, headers) => request(s, `/graphql?query=${encodeURIComponent(PLACES)}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } })],
  ['GET /export', (s, headers) => request(s, '/export?format=json&seed=place:kupyansk&depth=0', { headers })],
  ['POST /export', (s, headers) => request(s, '/export', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"format":"ndjson"}' })],
  ['POST /import', (s, headers) => request(s, '/import', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: bundle })],
];

function expectUnauthenticated(answer: Answer, tokenSent: boolean, what: string) {
  expect(answer.status, what).toBe(401);
  expect(answer.headers.get('www-authenticate'), what).toBe(tokenSent ? 'Bearer realm="claimgraph", error="invalid_token"' : 'Bearer realm="claimgraph"');
  expect(answer.body, what).toEqual({ errors: [{ message: tokenSent ? INVALID_CREDENTIAL : MISSING_CREDENTIAL, extensions: { code: 'UNAUTHENTICATED' } }] });
}

describe('bad credentials', () => {
  it('every kind is the same 401 with a challenge, on every route, even where anonymous callers may read; nothing is written', async () => {
    const revoked = await testKey(h.db, 'admin', 'RED', 'soon-revoked');
    await revokeApiKey(h.db, revoked.principal.slice('key:'.length));
    const valid = editor.key;
    const credentials: Array<[string, string]> = [
      ['an unknown key', `Bearer ${newApiKey()}`],
      ['a revoked admin key', `Bearer ${revoked.key}`],
      ['a valid key with one character changed', `Bearer ${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`],
      ['a valid key cut short', `Bearer ${valid.slice(0, -1)}`],
      ['a valid key with a character more', `Bearer ${valid}x`],
      ['the stored hash of a valid key', `Bearer ${hashApiKey(valid)}`],
      ['a key that is too short', 'Bearer cg_abc'],
      ['a JWT while no identity provider is configured', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
      ['a bearer without a token', 'Bearer'],
      ['a bearer with two tokens', `Bearer ${valid} ${valid}`],
      ['another scheme with a valid key', `Basic ${valid}`],
      ['Basic credentials', `Basic ${Buffer.from('neo4j:password').toString('base64')}`],
      ['a bare key without a scheme', valid],
      ['a token with characters outside ASCII', 'Bearer cg_clé'],
      ['a very long token', `Bearer ${'a'.repeat(9_000)}`],
    ];
    const before = await fingerprint(h.db);
    for (const [what, authorization] of credentials) {
      for (const [route, send] of ROUTES) expectUnauthenticated(await send(open, { authorization }), true, `${what}, ${route}`);
    }
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('with CLAIMGRAPH_KEY_CACHE_SECONDS=0, a revoked key stops working on the very next request', async () => {
    const uncached = await startTestServer(h, 'anonymous', { CLAIMGRAPH_KEY_CACHE_SECONDS: 0 });
    try {
      const key = await testKey(h.db, 'editor', 'CLEAR', 'revoke-me');
      expect((await gql(uncached, PLACES, key.headers)).status).toBe(200);
      const { already } = await revokeApiKey(h.db, key.principal.slice('key:'.length));
      expect(already).toBe(false);
      expectUnauthenticated(await gql(uncached, PLACES, key.headers), true, 'the request after revocation');
      expectUnauthenticated(await request(uncached, '/export?format=json', { headers: key.headers }), true, 'an export after revocation');
      expect((await revokeApiKey(h.db, key.principal.slice('key:'.length))).already).toBe(true);
    } finally {
      await uncached.stop();
    }
  });

  it('a checked key is trusted for CLAIMGRAPH_KEY_CACHE_SECONDS without asking Neo4j again; revoked, it is refused once that has passed', async () => {
    // The default (5 s): long enough that the next request on a busy machine still finds the check fresh.
    const cached = await startTestServer(h, 'anonymous', { CLAIMGRAPH_KEY_CACHE_SECONDS: 5 });
    try {
      const key = await testKey(h.db, 'reader', 'CLEAR', 'cached');
      const lookups = async (run: () => Promise<Answer>) => {
        const sent: string[] = [];
        const off = h.db.onQuery((cypher) => sent.push(cypher));
        try {
          expect((await run()).status).toBe(200);
        } finally {
          off();
        }
        return sent.filter((cypher) => /^MATCH \(k:ApiKey \{hash: \$hash\}\) RETURN/.test(cypher)).length;
      };
      expect(await lookups(() => gql(cached, PLACES, key.headers)), 'the first request checks the key').toBe(1);
      expect(await lookups(() => gql(cached, PLACES, key.headers)), 'the next one does not').toBe(0);
      // Another principal's key is checked on its own.
      const other = await testKey(h.db, 'reader', 'CLEAR', 'cached-other');
      expect(await lookups(() => gql(cached, PLACES, other.headers))).toBe(1);
      await revokeApiKey(h.db, key.principal.slice('key:'.length));
      const started = Date.now();
      let answer = await gql(cached, PLACES, key.headers);
      while (answer.status === 200 && Date.now() - started < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        answer = await gql(cached, PLACES, key.headers);
      }
      expectUnauthenticated(answer, true, 'once the cached check has expired');
      // Refused keys are never remembered: each request with one asks again, and is refused again.
      expectUnauthenticated(await gql(cached, PLACES, key.headers), true, 'the request after that');
    } finally {
      await cached.stop();
    }
  });

  it('a valid key works on every route of its role, and its use is recorded at most once a minute', async () => {
    const key = await testKey(h.db, 'editor', 'CLEAR', 'used');
    const lastUsed = async () => (await h.db.read('MATCH (k:ApiKey {hash: $hash}) RETURN k.lastUsedAt AS at', { hash: hashApiKey(key.key) })).records[0].get('at');
    expect(await lastUsed()).toBeNull();
    // (imports are an editor's too: see the role boundaries below)
    for (const [route, send] of ROUTES.filter(([route]) => route !== 'POST /import')) expect((await send(open, key.headers)).status, route).toBe(200);
    // written in the background, without holding up the request
    let first = await lastUsed();
    for (let i = 0; i < 50 && !first; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      first = await lastUsed();
    }
    expect(first).not.toBeNull();
    expect(Date.now() - first.toStandardDate().getTime()).toBeLessThan(LAST_USED_INTERVAL_MS);
    for (let i = 0; i < 3; i++) expect((await gql(open, PLACES, key.headers)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await lastUsed()).toString()).toBe(first.toString());
  });
});

describe('role boundaries, decided before anything runs', () => {
  it('a reader may query and export', async () => {
    expect((await gql(open, PLACES, reader.headers)).body).toEqual({ data: { places: { totalCount: expect.any(Number) } } });
    const exported = await request(open, '/export?format=json&seed=place:kupyansk&depth=0', { headers: reader.headers });
    expect(exported.status).toBe(200);
    // The place with its closure: the places above it.
    expect(exported.body.nodes.map((n: any) => n.id)).toEqual(['place:kharkiv-province', 'place:kupyansk', 'place:ukraine']);
    expect((await request(open, '/export', { method: 'POST', headers: { ...reader.headers, 'content-type': 'application/json' }, body: '{"format":"graphml","seeds":["place:kupyansk"],"depth":0}' })).status).toBe(200);
  });

  it('reader → mutation: 403 FORBIDDEN naming the field, and the database unchanged', async () => {
    const before = await fingerprint(h.db);
    const answer = await gql(open, RENAME('by a reader'), reader.headers);
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      errors: [
        {
          message: `Mutation.updatePlace needs the editor role; ${reader.principal} is a reader.`,
          extensions: { code: 'FORBIDDEN', field: 'Mutation.updatePlace', requiredRole: 'editor' },
        },
      ],
    });
    expect(answer.body.data).toBeUndefined();
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('a 403 says nothing about whether the node exists', async () => {
    const remove = (id: string) => `mutation { deletePlace(input: {id: "${id}"}) { deletedId userErrors { code } } }`;
    const before = await fingerprint(h.db);
    const existing = await gql(open, remove('place:kupyansk'), reader.headers);
    const missing = await gql(open, remove('place:atlantis'), reader.headers);
    expect(existing.status).toBe(403);
    expect(missing).toMatchObject({ status: existing.status, body: existing.body });
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('reader → POST /import: 403 before the body is read; the database unchanged', async () => {
    const before = await fingerprint(h.db);
    const answer = await request(open, '/import', { method: 'POST', headers: { ...reader.headers, 'content-type': 'application/json' }, body: bundle });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ errors: [{ message: `Importing needs the editor role; ${reader.principal} is a reader.`, extensions: { code: 'FORBIDDEN', requiredRole: 'editor' } }] });
    // not even validated: a malformed body gets the same answer
    const malformed = await request(open, '/import', { method: 'POST', headers: { ...reader.headers, 'content-type': 'application/json' }, body: '{"nodes": [' });
    expect(malformed).toMatchObject({ status: 403, body: answer.body });
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('anonymous → mutation or /import: 401 with a challenge (authenticate first); the database unchanged', async () => {
    const before = await fingerprint(h.db);
    const mutation = await gql(open, RENAME('by nobody'));
    expect(mutation.status).toBe(401);
    expect(mutation.headers.get('www-authenticate')).toBe('Bearer realm="claimgraph"');
    expect(mutation.body.errors).toEqual([
      {
        message: 'Mutation.updatePlace needs the editor role: authenticate with an API key or token (Authorization: Bearer …).',
        extensions: { code: 'UNAUTHENTICATED', field: 'Mutation.updatePlace', requiredRole: 'editor' },
      },
    ]);
    const imported = await request(open, '/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bundle });
    expect(imported.status).toBe(401);
    expect(imported.headers.get('www-authenticate')).toBe('Bearer realm="claimgraph"');
    expect(imported.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('editor → cypher: 403; admin → cypher: the rows', async () => {
    const before = await fingerprint(h.db);
    for (const [who, key] of [
      ['reader', reader],
      ['editor', editor],
    ] as const) {
      const answer = await gql(open, CYPHER, key.headers);
      expect(answer.status, who).toBe(403);
      expect(answer.body.errors[0].extensions, who).toEqual({ code: 'FORBIDDEN', field: 'Query.cypher', requiredRole: 'admin' });
    }
    expect((await gql(open, CYPHER)).status).toBe(401);
    expect(await fingerprint(h.db)).toBe(before);
    expect((await gql(open, CYPHER, admin.headers)).body).toEqual({ data: { cypher: { rows: [{ name: 'Kupyansk' }] } } });
  });

  it('a forbidden field beside allowed ones refuses the whole request: no partial answer', async () => {
    const answer = await gql(open, `{ places(first: 1) { totalCount } cypher(query: "RETURN 1 AS one") { rows } }`, editor.headers);
    expect(answer.status).toBe(403);
    expect(answer.body.data).toBeUndefined();
  });

  it('editor → mutation and /import: written, and recorded as the key', async () => {
    const written = await gql(open, RENAME('by an editor'), editor.headers);
    expect(written.status).toBe(200);
    expect(written.body.data.updatePlace).toEqual({ place: { id: 'place:kupyansk' }, changes: [{ who: editor.principal }], userErrors: [] });
    const imported = await request(open, '/import', { method: 'POST', headers: { ...editor.headers, 'content-type': 'application/json' }, body: bundle });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ nodesCreated: 1 });
    const who = (await changesAbout(h.db, 'place:auth-test-village')).map(({ who, via }) => ({ who, via }));
    expect(who).toEqual([{ who: editor.principal, via: 'import' }]);
  });

  it('admin → mutation: written (each role may do what the roles before it may)', async () => {
    const written = await gql(open, RENAME('by an admin'), admin.headers);
    expect(written.body.data.updatePlace.changes).toEqual([{ who: admin.principal }]);
  });
});

describe('X-Claimgraph-User', () => {
  it('a forged header changes nothing about who is recorded, over GraphQL and /import', async () => {
    const forged = { 'x-claimgraph-user': 'chief-editor@example.org' };
    const written = await gql(open, RENAME('forged?'), { ...editor.headers, ...forged });
    expect(written.body.data.updatePlace.changes).toEqual([{ who: editor.principal }]);
    const changed = JSON.parse(bundle);
    changed.nodes[0].properties.description = 'Imported with a forged header.';
    const imported = await request(open, '/import', { method: 'POST', headers: { ...editor.headers, ...forged, 'content-type': 'application/json' }, body: JSON.stringify(changed) });
    expect(imported.body).toMatchObject({ nodesUpdated: 1 });
    const log = await allChanges(h.db);
    expect(log.filter((c) => c.who.includes('chief-editor'))).toEqual([]);
    const last = log.filter((c) => ['place:kupyansk', 'place:auth-test-village'].includes(c.entityId)).slice(-2);
    expect(last.map((c) => c.who)).toEqual([editor.principal, editor.principal]);
  });

  it('gives an anonymous caller nothing: still 401, nothing written', async () => {
    const before = await fingerprint(h.db);
    expect((await gql(open, RENAME('forged'), { 'x-claimgraph-user': 'chief-editor@example.org' })).status).toBe(401);
    expect(await fingerprint(h.db)).toBe(before);
  });
});

describe('CLAIMGRAPH_ANONYMOUS=none', () => {
  it('no credential: 401 with a challenge on every route that touches the graph, before its method or body is looked at', async () => {
    const before = await fingerprint(h.db);
    for (const [route, send] of ROUTES) expectUnauthenticated(await send(closed, {}), false, route);
    for (const [method, path] of [
      ['PUT', '/graphql'],
      ['DELETE', '/export'],
      ['GET', '/import'],
      ['GET', '/graphql'],
    ]) {
      expectUnauthenticated(await request(closed, path, { method, headers: { accept: 'text/html' } }), false, `${method} ${path}`);
    }
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('health and the explorer\'s static files stay open', async () => {
    for (const path of ['/health', '/health/live', '/health/ready']) expect((await request(closed, path)).status, path).toBe(200);
    for (const path of ['/', '/graphiql', '/settings']) {
      const page = await fetch(`${baseOf(closed)}${path}`, { headers: { accept: 'text/html' } });
      expect(page.status, path).toBe(200);
      const html = await page.text();
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
      expect((await fetch(`${baseOf(closed)}${asset}`)).status, asset).toBe(200);
    }
  });

  it('a key opens every route of its role', async () => {
    expect((await gql(closed, PLACES, reader.headers)).status).toBe(200);
    expect((await request(closed, '/export?format=ndjson&seed=place:kupyansk&depth=0', { headers: reader.headers })).status).toBe(200);
    expect((await gql(closed, RENAME('closed server'), reader.headers)).status).toBe(403);
    expect((await gql(closed, RENAME('closed server'), editor.headers)).body.data.updatePlace.changes).toEqual([{ who: editor.principal }]);
  });
});

describe('API keys are never exported or imported', () => {
  it('an admin\'s export of the whole graph, in every format, holds no key, hash or key name', async () => {
    const names = (await h.db.read('MATCH (k:ApiKey) RETURN k.name AS name, k.hash AS hash')).records.map((r) => [r.get('name'), r.get('hash')]).flat();
    expect(names.length).toBeGreaterThan(4);
    for (const format of ['json', 'ndjson', 'graphml', 'cypher', 'cytoscape']) {
      const answer = await fetch(`${baseOf(open)}/export?format=${format}`, { headers: admin.headers });
      const text = await answer.text();
      expect(answer.status, format).toBe(200);
      expect(text, format).not.toMatch(/ApiKey/i);
      for (const value of names) expect(text.includes(value), `${format} holds ${value}`).toBe(false);
    }
    expect(await exportString(h.db, model, 'json')).not.toMatch(/ApiKey/);
  });

  it('a bundle with an ApiKey node is refused whole; nothing is written', async () => {
    const before = await fingerprint(h.db);
    const forged = JSON.stringify({
      format: 'claimgraph-bundle',
      version: 1,
      nodes: [
        { label: 'Place', id: 'place:decoy', properties: { kind: 'CITY', name: 'Decoy' } },
        { label: 'ApiKey', id: 'apikey:mine', properties: { name: 'mine', role: 'admin', clearance: 'RED', hash: hashApiKey('cg_' + 'a'.repeat(43)) } },
      ],
      edges: [],
    });
    const answer = await request(open, '/import', { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: forged });
    expect(answer.status).toBe(400);
    // refused for its label alone (the decoy beside it is valid), and the whole bundle with it
    expect(answer.body.errors).toContainEqual({
      message: expect.stringMatching(/label: unknown label; known: Actor, Unit, Place, Statement, Source/),
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', path: 'nodes[1].label' }),
    });
    expect(answer.body.errors.every((e: any) => e.extensions.path.startsWith('nodes[1].'))).toBe(true);
    expect(await fingerprint(h.db)).toBe(before);
    expectUnauthenticated(await gql(open, PLACES, { authorization: `Bearer cg_${'a'.repeat(43)}` }), true, 'the forged key');
  });

  it('search and node lookups never find a key', async () => {
    const answer = await gql(open, `{ search(query: "${editor.principal.slice('key:'.length)}", first: 5) { totalCount } }`, admin.headers);
    expect(answer.body.data.search.totalCount).toBe(0);
  });
});

describe('the rate limit', () => {
  it('is off by default', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => gql(open, PLACES, reader.headers)));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(answers[0].headers.get('ratelimit')).toBeNull();
  });

  it('when set: 429 RATE_LIMITED with Retry-After past it, counted per principal across routes (anonymous callers per address)', async () => {
    const limited = await startTestServer(h, 'anonymous', { CLAIMGRAPH_RATE_LIMIT_PER_MINUTE: 3 });
    try {
      const a = await testKey(h.db, 'reader', 'CLEAR', 'limited-a');
      const b = await testKey(h.db, 'reader', 'CLEAR', 'limited-b');
      expect((await gql(limited, PLACES, a.headers)).status).toBe(200);
      expect((await request(limited, '/export?format=json&seed=place:kupyansk&depth=0', { headers: a.headers })).status).toBe(200);
      const third = await gql(limited, PLACES, a.headers);
      expect(third.status).toBe(200);
      expect(third.headers.get('ratelimit')).toMatch(/remaining=0/);
      const refused = await gql(limited, PLACES, a.headers);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.body).toEqual({
        errors: [{ message: expect.stringContaining('at most 3 a minute'), extensions: { code: 'RATE_LIMITED', limit: 3 } }],
      });
      expect((await request(limited, '/export?format=json', { headers: a.headers })).status).toBe(429);
      // another key has its own budget; the same key's budget is not reset by anonymous calls
      for (let i = 0; i < 3; i++) expect((await gql(limited, PLACES, b.headers)).status, `b #${i + 1}`).toBe(200);
      expect((await gql(limited, PLACES, b.headers)).status).toBe(429);
      for (let i = 0; i < 3; i++) expect((await gql(limited, PLACES)).status, `anonymous #${i + 1}`).toBe(200);
      expect((await gql(limited, PLACES)).status).toBe(429);
      // a refused credential is answered before the limit is counted: it spends no one's budget
      expectUnauthenticated(await gql(limited, PLACES, { authorization: `Bearer ${newApiKey()}` }), true, 'unknown key past the limit');
      // health is not limited
      expect((await request(limited, '/health/live')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
