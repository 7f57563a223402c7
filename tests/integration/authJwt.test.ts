import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, base64url, type JWK, type CryptoKey } from 'jose';
import { createHmac } from 'node:crypto';
import { createHarness, silentLog, startTestServer, testConfig, type Harness, type TestServer } from '../harness.js';
import { fingerprint } from '../fingerprint.js';
import { authenticationMiddleware } from '../../src/auth/authenticationMiddleware.js';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { INVALID_CREDENTIAL } from '../../src/auth/accessErrors.js';
import type { Config } from '../../src/config.js';

/**
 * JWTs from an identity provider this test plays itself: a JWKS served over HTTP from key pairs made here,
 * and tokens signed with them. Valid tokens authenticate as jwt:<sub> with the role and clearance their
 * claims carry; every invalid one is the same 401; a key the provider adds later (rotation) is fetched when
 * a token names it.
 */

const ISSUER = 'https://idp.claimgraph.test/';
const AUDIENCE = 'claimgraph';

interface Pair {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function pair(kid: string, alg: 'RS256' | 'ES256' | 'EdDSA'): Promise<Pair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The identity provider's JWKS endpoint: the keys it publishes can change while the test runs. */
let published: JWK[] = [];
let jwksFetches = 0;
let jwksServer: http.Server;
let jwksUrl: string;

let h: Harness;
let server: TestServer;
let first: Pair;
let rotated: Pair;
let rogue: Pair;
let unpublished: Pair;

const now = () => Math.floor(Date.now() / 1000);

interface Claims {
  [claim: string]: unknown;
}

/** A token signed by `key`, valid unless `options` say otherwise. */
function token(key: Pair, claims: Claims = {}, options: { iss?: string; aud?: string | string[]; sub?: string | null; exp?: number | null; nbf?: number; kid?: string | null; alg?: string } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? key.alg, ...(options.kid === null ? {} : { kid: options.kid ?? key.kid }) }).setIssuedAt();
  jwt.setIssuer(options.iss ?? ISSUER).setAudience(options.aud ?? AUDIENCE);
  if (options.sub !== null) jwt.setSubject(options.sub ?? 'analyst@idp.test');
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now() + 600);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  return jwt.sign(key.privateKey);
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

beforeAll(async () => {
  [first, rotated, rogue, unpublished] = await Promise.all([pair('key-2024', 'RS256'), pair('key-2025', 'ES256'), pair('key-2024', 'RS256'), pair('key-never', 'RS256')]);
  published = [first.publicJwk];
  jwksServer = http.createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  h = await createHarness();
  server = await startTestServer(h, 'anonymous', {
    CLAIMGRAPH_ANONYMOUS: 'none',
    CLAIMGRAPH_CYPHER_ENDPOINT: 'on',
    CLAIMGRAPH_JWT_JWKS_URL: jwksUrl,
    CLAIMGRAPH_JWT_ISSUER: ISSUER,
    CLAIMGRAPH_JWT_AUDIENCE: `other-app, ${AUDIENCE}`,
    // A token naming a kid the cache lacks refetches at once (the default waits 30 s between fetches).
    CLAIMGRAPH_JWT_JWKS_COOLDOWN_MS: 0,
  });
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
  jwksServer?.close();
});

const base = () => server.url.replace(/\/graphql$/, '');

async function gql(query: string, headers: Record<string, string>) {
  const response = await fetch(server.url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const PLACES = '{ places(first: 1) { totalCount } }';
const RENAME = (text: string) => `mutation { updatePlace(input: {id: "place:kupyansk", set: {description: "${text}"}}) { changes { who } } }`;

function expectRefused(answer: { status: number; headers: Headers; body: any }, what: string) {
  expect(answer.status, what).toBe(401);
  expect(answer.headers.get('www-authenticate'), what).toBe('Bearer realm="claimgraph", error="invalid_token"');
  expect(answer.body, what).toEqual({ errors: [{ message: INVALID_CREDENTIAL, extensions: { code: 'UNAUTHENTICATED' } }] });
}

describe('valid tokens', () => {
  it('authenticate as jwt:<sub>; the change log records the subject', async () => {
    expect((await gql(PLACES, bearer(await token(first)))).status).toBe(200);
    const written = await gql(RENAME('written with a token'), bearer(await token(first, { claimgraph_role: 'editor' }, { sub: 'editor-7@idp.test' })));
    expect(written.body).toEqual({ data: { updatePlace: { changes: [{ who: 'jwt:editor-7@idp.test' }] } } });
  });

  it('a clock 30 s apart is tolerated: just expired or just not yet valid still passes', async () => {
    expect((await gql(PLACES, bearer(await token(first, {}, { exp: now() - 10 })))).status).toBe(200);
    expect((await gql(PLACES, bearer(await token(first, {}, { nbf: now() + 10 })))).status).toBe(200);
  });

  it('an audience list naming ours, and any of the configured audiences, pass', async () => {
    expect((await gql(PLACES, bearer(await token(first, {}, { aud: ['someone-else', AUDIENCE] })))).status).toBe(200);
    expect((await gql(PLACES, bearer(await token(first, {}, { aud: 'other-app' })))).status).toBe(200);
  });
});

describe('invalid tokens: the same 401, whatever is wrong', () => {
  it('expired, not yet valid, wrong audience, wrong issuer, wrong signature, unknown kid, and every other forgery; nothing written', async () => {
    const valid = await token(first, { claimgraph_role: 'admin' });
    const [header, payload, signature] = valid.split('.');
    const forgedPayload = base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload))), sub: 'someone-else' }));
    // HS256 "signed" with the public key as the secret: the classic algorithm confusion.
    const hsHeader = base64url.encode(JSON.stringify({ alg: 'HS256', kid: first.kid }));
    const confusedBody = `${hsHeader}.${payload}`;
    const confused = `${confusedBody}.${createHmac('sha256', JSON.stringify(first.publicJwk)).update(confusedBody).digest('base64url')}`;
    const cases: Array<[string, string]> = [
      ['expired (beyond the 30 s tolerance)', await token(first, {}, { exp: now() - 120 })],
      ['not yet valid (beyond the tolerance)', await token(first, {}, { nbf: now() + 120 })],
      ['for another audience', await token(first, {}, { aud: 'someone-else' })],
      ['from another issuer', await token(first, {}, { iss: 'https://evil.example/' })],
      ['from the issuer without its trailing slash', await token(first, {}, { iss: ISSUER.slice(0, -1) })],
      ['signed by another key under the published kid', await token(rogue)],
      ['signed by a key the provider never published (unknown kid)', await token(unpublished)],
      ['without a kid, signed by an unpublished key', await token(unpublished, {}, { kid: null })],
      ['with its payload changed after signing', `${header}.${forgedPayload}.${signature}`],
      ['with its signature removed', `${header}.${payload}.`],
      ['unsigned (alg none)', new UnsecuredJWT({ sub: 'x', exp: now() + 600 }).setIssuer(ISSUER).setAudience(AUDIENCE).encode()],
      ['HS256 with the public key as the secret', confused],
      ['without a subject', await token(first, {}, { sub: null })],
      ['without an expiry', await token(first, {}, { exp: null })],
      ['with an unknown clearance', await token(first, { claimgraph_clearance: 'TOP SECRET' })],
      ['with an unreadable role claim', await token(first, { claimgraph_role: { admin: true } })],
      ['that is not base64url at all', 'not.a.jwt'],
      ['of three empty parts', '..'],
    ];
    const before = await fingerprint(h.db);
    for (const [what, jwt] of cases) {
      expectRefused(await gql(PLACES, bearer(jwt)), what);
      expectRefused(await gql(RENAME(what), bearer(jwt)), `${what} (mutation)`);
    }
    expect(await fingerprint(h.db)).toBe(before);
    // (control) the token every forgery above was made from is accepted
    expect((await gql(PLACES, bearer(valid))).status).toBe(200);
  });
});

describe('rotation', () => {
  it('a key the provider publishes later is fetched when a token names its kid', async () => {
    const newToken = await token(rotated, { claimgraph_role: 'editor' }, { sub: 'rotated@idp.test' });
    expectRefused(await gql(PLACES, bearer(newToken)), 'before the provider publishes the new key');
    published = [first.publicJwk, rotated.publicJwk];
    const fetchesBefore = jwksFetches;
    expect((await gql(RENAME('after rotation'), bearer(newToken))).body).toEqual({ data: { updatePlace: { changes: [{ who: 'jwt:rotated@idp.test' }] } } });
    expect(jwksFetches).toBe(fetchesBefore + 1);
    // cached from then on: no fetch per request
    for (let i = 0; i < 3; i++) expect((await gql(PLACES, bearer(newToken))).status).toBe(200);
    expect(jwksFetches).toBe(fetchesBefore + 1);
  });
});

describe('roles from claims, at the role boundaries', () => {
  it('absent: a reader (mutation 403); editor: writes (cypher 403); an array with admin: cypher', async () => {
    const before = await fingerprint(h.db);
    const reader = await gql(RENAME('reader'), bearer(await token(first)));
    expect(reader.status).toBe(403);
    expect(reader.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', field: 'Mutation.updatePlace', requiredRole: 'editor' });
    const editorCypher = await gql('{ cypher(query: "RETURN 1 AS one") { rows } }', bearer(await token(first, { claimgraph_role: 'editor' })));
    expect(editorCypher.status).toBe(403);
    expect(await fingerprint(h.db)).toBe(before);
    const admin = await gql('{ cypher(query: "RETURN 1 AS one") { rows } }', bearer(await token(first, { claimgraph_role: ['reader', 'admin', 'unknown'] })));
    expect(admin.body).toEqual({ data: { cypher: { rows: [{ one: 1 }] } } });
  });

  it('/import follows the role too', async () => {
    const bundle = '{"format":"claimgraph-bundle","version":1,"nodes":[],"edges":[]}';
    const post = async (t: string) => fetch(`${base()}/import`, { method: 'POST', headers: { ...bearer(t), 'content-type': 'application/json' }, body: bundle });
    expect((await post(await token(first))).status).toBe(403);
    expect((await post(await token(first, { claimgraph_role: 'EDITOR' }))).status).toBe(200);
  });
});

describe('claims mapped to the principal (the authentication middleware over HTTP, as the server mounts it)', () => {
  /** A route behind the real middleware that answers with the principal it was given. */
  async function whoami(overrides: Partial<Config>) {
    const app = express();
    const config: Config = { ...testConfig, CLAIMGRAPH_ANONYMOUS: 'none', CLAIMGRAPH_JWT_JWKS_URL: jwksUrl, CLAIMGRAPH_JWT_ISSUER: ISSUER, CLAIMGRAPH_JWT_AUDIENCE: AUDIENCE, ...overrides };
    app.use(authenticationMiddleware(await createAuthenticator({ db: h.db, config, log: silentLog })));
    app.get('/whoami', (_req, res) => void res.json(res.locals.principal));
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/whoami`;
    return {
      ask: async (t: string) => {
        const response = await fetch(url, { headers: bearer(t) });
        return { status: response.status, body: (await response.json()) as any };
      },
      close: () => new Promise((resolve) => listening.close(resolve)),
    };
  }

  it('the default claims: a string, an array, absent', async () => {
    const who = await whoami({});
    try {
      expect((await who.ask(await token(first, {}, { sub: 'a' }))).body).toEqual({ kind: 'jwt', name: 'jwt:a', role: 'reader', clearance: 'CLEAR' });
      expect((await who.ask(await token(first, { claimgraph_role: 'editor', claimgraph_clearance: 'TLP:AMBER' }, { sub: 'b' }))).body).toEqual({
        kind: 'jwt',
        name: 'jwt:b',
        role: 'editor',
        clearance: 'AMBER',
      });
      expect((await who.ask(await token(first, { claimgraph_role: ['editor', 'admin'], claimgraph_clearance: 'AMBER+STRICT' }, { sub: 'c' }))).body).toMatchObject({
        role: 'admin',
        clearance: 'AMBER_STRICT',
      });
      expect((await who.ask(await token(first, { claimgraph_role: ['viewer'] }, { sub: 'd' }))).body).toMatchObject({ role: 'reader', clearance: 'CLEAR' });
      expect((await who.ask(await token(first, { claimgraph_clearance: 'PURPLE' }))).status).toBe(401);
    } finally {
      await who.close();
    }
  });

  it('claims named by the settings: a dotted path (Keycloak-style roles) and a namespaced claim', async () => {
    const who = await whoami({ CLAIMGRAPH_JWT_ROLE_CLAIM: 'realm_access.roles', CLAIMGRAPH_JWT_CLEARANCE_CLAIM: 'https://claimgraph.example/clearance' });
    try {
      const claims = { realm_access: { roles: ['offline_access', 'editor'] }, 'https://claimgraph.example/clearance': 'RED', claimgraph_role: 'admin' };
      expect((await who.ask(await token(first, claims, { sub: 'kc' }))).body).toEqual({ kind: 'jwt', name: 'jwt:kc', role: 'editor', clearance: 'RED' });
      // the default claim names mean nothing now
      expect((await who.ask(await token(first, { claimgraph_role: 'admin', claimgraph_clearance: 'RED' }, { sub: 'kc2' }))).body).toMatchObject({ role: 'reader', clearance: 'CLEAR' });
    } finally {
      await who.close();
    }
  });

  it('one PEM public key instead of a JWKS: its algorithm only', async () => {
    const own = await generateKeyPair('RS256', { extractable: true });
    const who = await whoami({ CLAIMGRAPH_JWT_JWKS_URL: undefined, CLAIMGRAPH_JWT_PUBLIC_KEY: await exportSPKI(own.publicKey), CLAIMGRAPH_JWT_ALGORITHM: 'RS256' });
    try {
      const mine: Pair = { kid: 'static', alg: 'RS256', privateKey: own.privateKey, publicJwk: {} };
      expect((await who.ask(await token(mine, { claimgraph_role: 'editor' }, { sub: 'static', kid: null }))).body).toMatchObject({ name: 'jwt:static', role: 'editor' });
      // the JWKS's keys mean nothing here, nor another algorithm
      expect((await who.ask(await token(first))).status).toBe(401);
      expect((await who.ask(await token(rotated))).status).toBe(401);
    } finally {
      await who.close();
    }
  });

  it('a provider that cannot be reached: 401, never a 500 or a hang', async () => {
    const who = await whoami({ CLAIMGRAPH_JWT_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json' });
    try {
      const answer = await who.ask(await token(first));
      expect(answer).toEqual({ status: 401, body: { errors: [{ message: INVALID_CREDENTIAL, extensions: { code: 'UNAUTHENTICATED' } }] } });
    } finally {
      await who.close();
    }
  });
});
