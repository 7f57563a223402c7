import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, schema, silentLog, startTestServer, testConfig, type Harness } from '../harness.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { mountExplorerRoutes } from '../../src/http/explorerRoutes.js';
import { ensureExplorerBuilt } from '../../web/scripts/buildExplorer.js';

/**
 * The explorer as claimgraph serves it: the app at / and at every client-side route, GraphiQL at /graphiql,
 * hashed assets, a Content-Security-Policy that allows nothing off the server; and never in the way of the
 * API's own routes.
 */
let h: Harness;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  await ensureExplorerBuilt({ log: () => {} });
  h = await createHarness();
  server = await startTestServer(h, 'anonymous');
  base = server.url.replace(/\/graphql$/, '');
}, 600_000);
afterAll(async () => {
  await server.stop();
  await h.close();
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the explorer routes', () => {
  it('serve the app at / and at deep links, with a CSP that keeps every request on this server', async () => {
    for (const route of ['/', '/search?q=Kupiansk', '/entity/place:kupyansk', '/entity/statement%3Awgf-full-control-2024-12-16', '/graph?id=place:kupyansk&depth=2', '/map', '/contested?about=place:kupyansk', '/settings', '/no/such/page']) {
      const response = await fetch(`${base}${route}`, { headers: html });
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("script-src 'self'");
      const body = await response.text();
      expect(body).toContain('<div id="root">');
      // Only local scripts and styles: no scheme, no host.
      expect(body).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it('serve GraphiQL at /graphiql and the built assets, cached by content hash', async () => {
    const page = await fetch(`${base}/graphiql`, { headers: html });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('<div id="graphiql">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(body)![1];
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
    // No bundle refers to a CDN.
    expect(await asset.text()).not.toMatch(/esm\.sh|unpkg\.com|cdn\.jsdelivr|embeddable-sandbox|apollo-server-landing-page/);
  });

  it('answer a missing asset or file with a 404 in the GraphQL error shape, not with the app', async () => {
    for (const route of ['/assets/nope.js', '/favicon.ico', '/robots.txt']) {
      const response = await fetch(`${base}${route}`, { headers: html });
      expect(response.status, route).toBe(404);
      expect(await response.text(), route).not.toContain('<div id="root">');
    }
    const missing = await fetch(`${base}/assets/nope.js`);
    expect(await missing.json()).toEqual({ errors: [{ message: 'No explorer asset at /assets/nope.js.', extensions: { code: 'NOT_FOUND' } }] });
  });

  it('never shadow the API: /graphql, /export, /import and /health* answer as before', async () => {
    const graphql = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ place(id: "place:kupyansk") { name } }' }),
    });
    expect(await graphql.json()).toEqual({ data: { place: { name: 'Kupyansk' } } });
    const health = await fetch(`${base}/health`, { headers: html });
    expect(await health.json()).toEqual({ status: 'ok', neo4j: 'up' });
    const exported = await fetch(`${base}/export?format=json&seed=place:kupyansk&depth=0`, { headers: html });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/json/);
    const nowhere = await fetch(`${base}/export?format=json&seed=place:nowhere`, { headers: html });
    expect(nowhere.status).toBe(404);
    expect(((await nowhere.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('NOT_FOUND');
    for (const route of ['/import', '/health/live', '/healthz', '/graphql/extra', '/export/x']) {
      const response = await fetch(`${base}${route}`, { headers: html });
      expect(await response.text(), route).not.toContain('<div id="root">');
    }
  });

  it('send a browser opening /graphql to the bundled GraphiQL: Apollo Sandbox (a CDN page) is off by default', async () => {
    const response = await fetch(`${base}/graphql`, { headers: html });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('url=/graphiql');
    expect(body).not.toMatch(/https?:\/\//);
  });

  it('show Apollo Sandbox at /graphql only with CLAIMGRAPH_SANDBOX=on', async () => {
    const sandboxed = await startServer({ db: h.db, log: silentLog, config: { ...testConfig, CLAIMGRAPH_SANDBOX: 'on' }, development: true, schema, host: '127.0.0.1', port: 0 });
    try {
      const body = await (await fetch(sandboxed.url, { headers: html })).text();
      expect(body).toContain('embeddable-sandbox');
    } finally {
      await sandboxed.stop();
    }
  });
});

describe('without a build', () => {
  it('says how to build it, in the GraphQL error shape', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'claimgraph-no-explorer-'));
    const app = express();
    mountExplorerRoutes(app, { dist: empty });
    const listener = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/entity/place:kupyansk`, { headers: html });
      expect(response.status).toBe(404);
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
      expect(body.errors[0].message).toContain('npm run build:explorer');
    } finally {
      listener.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
