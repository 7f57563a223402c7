import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, startTestServer, testKey, type Harness, type TestKey, type TestServer } from '../harness.js';
import { fingerprint } from '../fingerprint.js';
import { tempDir } from '../exchange.js';
import { markingFixture, MARKED, resetToMarkingFixture, sees, SRC } from '../markingFixture.js';

/**
 * Markings at the edges of claimgraph, over real HTTP and real CLIs with real keys: a write above the key's
 * clearance is HTTP 403 and writes nothing; POST /import with records above it is 403 and writes nothing
 * (and within it, is written and recorded as the key's); the export CLI run with --key holds only what
 * that key may see, without a key everything; the import CLI with --key refuses records above it.
 */

const ROOT = path.resolve(__dirname, '../..');
const dir = tempDir('claimgraph-markings-');
let h: Harness;
let server: TestServer;
let greenReader: TestKey;
let amberEditor: TestKey;

beforeAll(async () => {
  h = await createHarness({ reset: false });
  await resetToMarkingFixture(h.db);
  server = await startTestServer(h, 'anonymous');
  greenReader = await testKey(h.db, 'reader', 'GREEN');
  amberEditor = await testKey(h.db, 'editor', 'AMBER');
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

const base = () => server.url.replace(/\/graphql$/, '');
const gql = async (query: string, headers: Record<string, string>, variables: Record<string, unknown> = {}) => {
  const response = await fetch(server.url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as any };
};
const postImport = async (bundle: object, headers: Record<string, string>) => {
  const response = await fetch(`${base()}/import?batchSize=1`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(bundle) });
  return { status: response.status, body: (await response.json()) as any };
};
const bundle = (nodes: object[]) => ({ format: 'claimgraph-bundle', version: 1, nodes, edges: [] });

function cli(command: 'import' | 'export', args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const target = inject('neo4j');
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NEO4J_URI: target.uri,
    NEO4J_USER: target.user,
    NEO4J_PASSWORD: target.password,
    NEO4J_DATABASE: target.database,
    LOG_LEVEL: 'warn',
    ...env,
  };
  if (!('CLAIMGRAPH_KEY' in env)) delete childEnv.CLAIMGRAPH_KEY;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${command}.ts`, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('writes over HTTP', () => {
  it('a marking above the key clearance is HTTP 403 FORBIDDEN naming the field, and writes nothing', async () => {
    const before = await fingerprint(h.db);
    const { status, body } = await gql(
      `mutation { upsertSource(input: { id: "source:too-secret", kind: ARTICLE, title: "Too secret", marking: RED }) { source { id } } }`,
      amberEditor.headers,
    );
    expect(status).toBe(403);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'input.marking', field: 'Mutation.upsertSource', clearance: 'AMBER' });
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('at or below it, the write is made and recorded as the key principal', async () => {
    const { status, body } = await gql(
      `mutation { upsertSource(input: { id: "source:partner-note", kind: ARTICLE, title: "Partner note", marking: AMBER }) { source { id marking } changes { who } } }`,
      amberEditor.headers,
    );
    expect(status).toBe(200);
    expect(body.data.upsertSource).toEqual({ source: { id: 'source:partner-note', marking: 'AMBER' }, changes: [{ who: amberEditor.principal }] });
    const asGreen = await gql(`{ source(id: "source:partner-note") { id } sources(first: 50) { totalCount } }`, greenReader.headers);
    expect(asGreen.body.data.source).toBeNull();
    expect(asGreen.body.data.sources.totalCount).toBe(Object.keys(MARKED).filter((id) => id.startsWith('source:') && sees('GREEN', id)).length);
  });
});

describe('POST /import', () => {
  it('records above the key clearance: 403, naming them, and nothing is written', async () => {
    const before = await fingerprint(h.db);
    const { status, body } = await postImport(
      bundle([
        { label: 'Source', id: 'source:import-amber', properties: { kind: 'ARTICLE', title: 'Fine', marking: 'AMBER' } },
        { label: 'Source', id: 'source:import-red', properties: { kind: 'ARTICLE', title: 'Too secret', marking: 'RED' } },
      ]),
      amberEditor.headers,
    );
    expect(status).toBe(403);
    expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN', path: 'nodes[1].properties.marking' }) })]);
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('a record over a node the key may not see: 403, and nothing is written', async () => {
    const before = await fingerprint(h.db);
    const { status, body } = await postImport(bundle([{ label: 'Source', id: SRC.redRelay, properties: { kind: 'ARTICLE', title: 'Overwrite', marking: 'AMBER' } }]), amberEditor.headers);
    expect(status).toBe(403);
    expect(JSON.stringify(body)).not.toMatch(/RED|Wire relay/);
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('within the clearance the import is written, its markings kept', async () => {
    const { status } = await postImport(bundle([{ label: 'Source', id: 'source:import-green', properties: { kind: 'ARTICLE', title: 'Bulletin', marking: 'GREEN' } }]), amberEditor.headers);
    expect(status).toBe(200);
    const { body } = await gql(`{ source(id: "source:import-green") { marking } }`, greenReader.headers);
    expect(body.data.source).toEqual({ marking: 'GREEN' });
  });
});

describe('the CLIs as the key principal', () => {
  it('export --key holds only what the key may see; without a key, everything', async () => {
    const withKey = await cli('export', ['--format', 'ndjson', '--quiet', '--key', greenReader.key]);
    expect(withKey.code, withKey.stderr).toBe(0);
    const ids = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((r) => r.label)
        .map((r) => r.id as string);
    const fixtureIds = markingFixture.nodes.map((n) => n.id);
    const seen = ids(withKey.stdout).filter((id) => fixtureIds.includes(id));
    expect(seen.sort()).toEqual(fixtureIds.filter((id) => sees('GREEN', id)).sort());
    for (const id of Object.keys(MARKED).filter((id) => !sees('GREEN', id))) expect(withKey.stdout).not.toContain(id);

    const asOperator = await cli('export', ['--format', 'ndjson', '--quiet']);
    expect(asOperator.code, asOperator.stderr).toBe(0);
    expect(ids(asOperator.stdout).filter((id) => fixtureIds.includes(id)).sort()).toEqual([...fixtureIds].sort());
  });

  it('import --key refuses records above the key clearance (exit 5), nothing written', async () => {
    const file = path.join(dir, 'red.json');
    writeFileSync(file, JSON.stringify(bundle([{ label: 'Statement', id: 'statement:cli-red', properties: { text: 'x', kind: 'OTHER', statedAt: { start: '2024-12-01', end: '2024-12-01', precision: 'DAY' }, marking: 'RED' } }])));
    const before = await fingerprint(h.db);
    const run = await cli('import', [file, '--quiet'], { CLAIMGRAPH_KEY: amberEditor.key });
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toContain('nothing was written');
    expect(run.stderr).toContain('RED is above');
    expect(await fingerprint(h.db)).toBe(before);
  });
});
