import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { createHarness, startTestServer, type Harness } from '../harness.js';

/** The API over real HTTP (Express 5 + Apollo Server 5), as a browser or curl sees it. */

let h: Harness;
let server: RunningServer;
beforeAll(async () => {
  h = await createHarness();
  server = await startTestServer(h, 'anonymous');
});
afterAll(async () => {
  await server?.stop();
  await h.close();
});

const QUERY = '{ place(id: "place:kupyansk") { id name updatedAt } }';

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(server.url, { method: 'POST', headers, body });

describe('over HTTP', () => {
  it('a POST query works', async () => {
    const response = await post(JSON.stringify({ query: QUERY }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/(graphql-response\+)?json/);
    const body: any = await response.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.place).toMatchObject({ id: 'place:kupyansk', name: 'Kupyansk' });
    // On the wire a DateTime is ISO-8601 text.
    expect(body.data.place.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  });

  it('a GET query without a preflight header is refused (CSRF prevention)', async () => {
    const url = `${server.url}?query=${encodeURIComponent(QUERY)}`;
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('Kupyansk');
  });

  it('(control) the same GET with apollo-require-preflight works', async () => {
    const url = `${server.url}?query=${encodeURIComponent(QUERY)}`;
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.place.name).toBe('Kupyansk');
  });

  it('a POST with content-type text/plain is refused (CSRF prevention)', async () => {
    const response = await post(JSON.stringify({ query: QUERY }), { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(await response.text()).not.toContain('Kupyansk');
  });

  it('an invalid JSON body is a 400 with no stack trace', async () => {
    const response = await post('{"query": "{ places { totalCount } }"');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/\bat .+\.(js|ts):\d+/);
    expect(text).not.toContain('node_modules');
    expect(text).not.toMatch(/SyntaxError: .*\n\s+at /);
  });

  it('an unknown field is GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await post(JSON.stringify({ query: '{ place(id: "place:kupyansk") { id population } }' }));
    expect(response.status).toBe(400);
    const body: any = await response.json();
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).toContain('population');
    expect(body.errors[0].extensions.stacktrace).toBeUndefined();
  });
});
