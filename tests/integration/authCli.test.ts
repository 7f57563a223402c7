import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, startTestServer, testKey, type Harness, type TestServer } from '../harness.js';
import { fingerprint } from '../fingerprint.js';
import { tempDir } from '../exchange.js';
import { API_KEY_PATTERN, hashApiKey } from '../../src/auth/apiKeys.js';
import { osUserName } from '../../src/auth/cliPrincipal.js';
import { changesAbout } from '../changeLogEntries.js';

/**
 * The keys CLI end to end, as an operator runs it against the real Neo4j: a key printed once (the last
 * line), kept only as its hash, listed without it, revoked for the next request; and the import and export
 * CLIs acting as a key's principal (--key or CLAIMGRAPH_KEY) or as the local operator.
 */

const ROOT = path.resolve(__dirname, '../..');
const dir = tempDir('claimgraph-keys-');
let h: Harness;
let server: TestServer;
const suffix = Math.random().toString(36).slice(2, 8);
const name = (base: string) => `${base}-${suffix}`;

beforeAll(async () => {
  h = await createHarness();
  // Keys checked on every request, so a revocation by the CLI shows on the server's very next one.
  server = await startTestServer(h, 'anonymous', { CLAIMGRAPH_KEY_CACHE_SECONDS: 0 });
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(command: 'keys' | 'import' | 'export', args: string[], env: Record<string, string> = {}): Promise<Run> {
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

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;
const gql = async (query: string, headers: Record<string, string>) => {
  const response = await fetch(server.url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as any };
};
const RENAME = (text: string) => `mutation { updatePlace(input: {id: "place:kupyansk", set: {description: "${text}"}}) { changes { who } } }`;

describe('npm run keys', () => {
  let key: string;

  it('create prints the key once, as the last line; only its SHA-256 is stored', async () => {
    const run = await cli('keys', ['create', '--name', name('ci-importer'), '--role', 'editor', '--clearance', 'tlp:amber']);
    expect(run.code, run.stderr).toBe(0);
    key = lastLine(run.stdout);
    expect(key).toMatch(API_KEY_PATTERN);
    expect(run.stdout.split(key)).toHaveLength(2); // printed once
    expect(run.stdout).toContain(`created key ${name('ci-importer')}: role editor, clearance AMBER`);
    const stored = await h.db.read('MATCH (k:ApiKey {name: $name}) RETURN properties(k) AS p', { name: name('ci-importer') });
    const properties = stored.records[0].get('p');
    expect(Object.keys(properties).sort()).toEqual(['clearance', 'createdAt', 'hash', 'name', 'role']);
    expect(properties.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(properties)).not.toContain(key);
  });

  it('the key authenticates at once, as its principal', async () => {
    const written = await gql(RENAME('through a CLI-made key'), { authorization: `Bearer ${key}` });
    expect(written.body).toEqual({ data: { updatePlace: { changes: [{ who: `key:${name('ci-importer')}` }] } } });
  });

  it('list shows names, roles, clearances and times, never the key or its hash', async () => {
    const run = await cli('keys', ['list']);
    expect(run.code, run.stderr).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.startsWith(`${name('ci-importer')} `))!;
    expect(line).toMatch(new RegExp(`^${name('ci-importer')}\\s+editor\\s+AMBER\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+(\\d{4}-\\S+|-)\\s+-$`));
    expect(run.stdout.split('\n')[0]).toMatch(/^NAME\s+ROLE\s+CLEARANCE\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(run.stdout).not.toContain(key);
    expect(run.stdout).not.toContain(hashApiKey(key));
    expect(run.stdout).not.toMatch(/cg_[A-Za-z0-9_-]{10}/);
    const json = await cli('keys', ['list', '--json']);
    const listed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    const mine = listed.find((k) => k.name === name('ci-importer'))!;
    expect(Object.keys(mine).sort()).toEqual(['clearance', 'createdAt', 'lastUsedAt', 'name', 'revokedAt', 'role']);
    expect(mine).toMatchObject({ role: 'editor', clearance: 'AMBER', revokedAt: null });
    expect(json.stdout).not.toContain(hashApiKey(key));
  });

  it('revoke: the next request is refused; list says when; revoking again is harmless', async () => {
    const run = await cli('keys', ['revoke', name('ci-importer')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`revoked key ${name('ci-importer')}`);
    const refused = await gql('{ places(first: 1) { totalCount } }', { authorization: `Bearer ${key}` });
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const listed = JSON.parse((await cli('keys', ['list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(listed.find((k) => k.name === name('ci-importer'))!.revokedAt).toEqual(expect.stringMatching(/^\d{4}-/));
    const again = await cli('keys', ['revoke', name('ci-importer')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already revoked');
  });

  it('refusals: a name taken (even by a revoked key), no such key; usage mistakes exit 2; nothing written', async () => {
    const before = await fingerprint(h.db);
    const taken = await cli('keys', ['create', '--name', name('ci-importer'), '--role', 'reader']);
    expect(taken.code).toBe(3);
    expect(taken.stderr).toMatch(/was revoked; names are not reused/);
    expect(taken.stdout).not.toMatch(/cg_/);
    const missing = await cli('keys', ['revoke', name('nobody')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`no key is named ${name('nobody')}`);
    for (const args of [
      [],
      ['rotate'],
      ['create', '--role', 'reader'],
      ['create', '--name', name('x'), '--role', 'owner'],
      ['create', '--name', name('x')],
      ['create', '--name', name('x'), '--role', 'reader', '--clearance', 'SECRET'],
      ['create', '--name', 'has space', '--role', 'reader'],
      ['create', '--name', `key:${name('x')}`, '--role', 'reader'],
      ['list', 'extra'],
      ['list', '--name', 'x'],
      ['revoke'],
      ['revoke', 'a', 'b'],
      ['create', '--name', name('x'), '--role', 'reader', '--key', 'cg_x'],
    ]) {
      const run = await cli('keys', args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^keys: .+\n\nusage: claimgraph keys/);
    }
    expect(await fingerprint(h.db)).toBe(before);
    const taken2 = await cli('keys', ['create', '--name', name('twice'), '--role', 'reader']);
    expect(taken2.code).toBe(0);
    const twice = await cli('keys', ['create', '--name', name('twice'), '--role', 'admin']);
    expect(twice.code).toBe(3);
    expect(twice.stderr).toMatch(/exists already/);
  });
});

describe('the import and export CLIs act as a principal', () => {
  const bundleFile = () => {
    const file = path.join(dir, `bundle-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      file,
      JSON.stringify({ format: 'claimgraph-bundle', version: 1, nodes: [{ label: 'Place', id: 'place:cli-hamlet', properties: { kind: 'POINT', name: `Hamlet ${Math.random()}` } }], edges: [] }),
    );
    return file;
  };
  const lastWho = async () =>
    (await changesAbout(h.db, 'place:cli-hamlet')).at(-1)?.who;

  it('import without a key: the local operator, recorded as local:<OS user>', async () => {
    const run = await cli('import', [bundleFile(), '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(await lastWho()).toBe(`local:${osUserName()}`);
  });

  it('import with an editor key (--key, or CLAIMGRAPH_KEY): recorded as the key', async () => {
    const editor = await testKey(h.db, 'editor', 'CLEAR', 'cli-editor');
    expect((await cli('import', [bundleFile(), '--quiet', '--key', editor.key])).code).toBe(0);
    expect(await lastWho()).toBe(editor.principal);
    const other = await testKey(h.db, 'admin', 'RED', 'cli-env');
    expect((await cli('import', [bundleFile(), '--quiet'], { CLAIMGRAPH_KEY: other.key })).code).toBe(0);
    expect(await lastWho()).toBe(other.principal);
    // --key wins over the environment
    expect((await cli('import', [bundleFile(), '--quiet', '--key', editor.key], { CLAIMGRAPH_KEY: other.key })).code).toBe(0);
    expect(await lastWho()).toBe(editor.principal);
  });

  it('import with a reader\'s key, or a key that is not valid: exit 5, nothing written', async () => {
    const reader = await testKey(h.db, 'reader', 'RED', 'cli-reader');
    const before = await fingerprint(h.db);
    const refused = await cli('import', [bundleFile(), '--quiet', '--key', reader.key]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`importing needs the editor role; ${reader.principal} is a reader`);
    const invalid = await cli('import', [bundleFile(), '--quiet'], { CLAIMGRAPH_KEY: `cg_${'x'.repeat(43)}` });
    expect(invalid.code).toBe(5);
    expect(invalid.stderr).toContain('the key is not valid');
    expect(await fingerprint(h.db)).toBe(before);
    expect((await cli('import', [bundleFile(), '--who', 'chief-editor'])).code).toBe(2); // --who is gone: no one names themselves
  });

  it('export with a key exports as that key (a key that is not valid: exit 5, nothing on stdout)', async () => {
    const reader = await testKey(h.db, 'reader', 'CLEAR', 'cli-export');
    const run = await cli('export', ['--format', 'ndjson', '--seed', 'place:kupyansk', '--depth', '0', '--quiet', '--key', reader.key]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('"place:kupyansk"');
    const invalid = await cli('export', ['--format', 'ndjson', '--quiet'], { CLAIMGRAPH_KEY: 'not-a-key' });
    expect(invalid.code).toBe(5);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('the key is not valid');
  });
});
