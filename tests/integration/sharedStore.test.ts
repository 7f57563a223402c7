import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { connectNeo4j, type Neo4jHandle } from '../../src/neo4j/connectNeo4j.js';
import { STORE_LOCK_FILE, readHolder } from '../../src/neo4j/storeLock.js';
import { loadSample } from '../../src/sample/loadSample.js';
import { exportString } from '../exchange.js';
import { model, silentLog } from '../harness.js';

/**
 * A command pointed at the store a running claimgraph server holds (`npm run export` while `npm run dev`
 * runs): it finds the server at once, from the record beside the store, and works through that server's
 * Neo4j instead of starting a second one on the same store. A second server, or a command while another
 * command holds the store, is refused at once with a message saying who holds it and how to reach it.
 * The server here is claimgraph's own Neo4j on a throwaway store, started as `npm run dev` starts it.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'claimgraph-shared-'));
const config = loadConfig({ NODE_ENV: 'test', CLAIMGRAPH_DATA_DIR: dataDir, CLAIMGRAPH_NEO4J_PORT: '0', CLAIMGRAPH_NEO4J_HEAP: '512m' });
let server: Neo4jHandle | null = null;

beforeAll(async () => {
  if (process.env.NEO4J_URI) return;
  server = await connectNeo4j(config, silentLog, { role: 'server' });
  await loadSample(server.db, model);
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A claimgraph process on the shared store: `tsx src/…` as npm run dev/export run it, or the compiled bin. */
function run(argv: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, CLAIMGRAPH_DATA_DIR: dataDir, CLAIMGRAPH_NEO4J_PORT: '0', LOG_LEVEL: 'info', PORT: '0', ...extraEnv };
  for (const name of ['NEO4J_URI', 'NEO4J_USER', 'NEO4J_USERNAME', 'NEO4J_PASSWORD', 'NEO4J_DATABASE']) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const tsx = (file: string, ...args: string[]) => ['--import', 'tsx', file, ...args];
const bin = (...args: string[]) => ['bin/claimgraph.js', ...args];

describe.skipIf(!!process.env.NEO4J_URI)('a command on the store a running server holds', () => {
  it('the server records itself and its Neo4j beside the store', async () => {
    expect(await readHolder(dataDir)).toMatchObject({ pid: process.pid, role: 'server', uri: server!.uri, neo4jPid: server!.ownNeo4j!.pid });
  });

  it('`npm run export` exports through the server’s Neo4j: the same bytes as the server reads', async () => {
    const result = await run(tsx('src/cli/export.ts', '--format', 'ndjson'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(await exportString(server!.db, model, 'ndjson'));
    expect(result.stderr).toContain('a claimgraph server holds this store: using its Neo4j');
    expect(result.stderr).not.toContain('starting claimgraph’s own Neo4j');
    // the server's Neo4j is untouched by the command's exit
    expect((await server!.db.read('RETURN 1 AS one')).records[0].get('one').toNumber()).toBe(1);
    expect(await readHolder(dataDir)).toMatchObject({ pid: process.pid, role: 'server' });
  });

  it('`claimgraph import` (compiled) writes into the server’s Neo4j, and `claimgraph seed` too', async () => {
    const bundle = path.join(dataDir, '..', `${path.basename(dataDir)}-bundle.json`);
    writeFileSync(
      bundle,
      JSON.stringify({
        format: 'claimgraph-bundle',
        version: 1,
        nodes: [{ label: 'Actor', id: 'actor:shared-store-check', properties: { kind: 'PERSON', name: 'Shared store check', aliases: [] } }],
        edges: [],
      }),
    );
    try {
      const imported = await run(bin('import', bundle, '--quiet'));
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(/^imported 1 nodes \(1 created, 0 updated\)/);
    } finally {
      rmSync(bundle, { force: true });
    }
    const found = await server!.db.read("MATCH (a:Actor {id: 'actor:shared-store-check'}) RETURN a.name AS name");
    expect(found.records.map((r) => r.get('name'))).toEqual(['Shared store check']);

    const seeded = await run(bin('seed'));
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain('sample loaded: 0 nodes created, 0 updated');
  });

  it('a second server on the store is refused at once, naming the holder and how to reach its Neo4j', async () => {
    const before = readFileSync(path.join(dataDir, STORE_LOCK_FILE), 'utf8');
    const result = await run(tsx('src/main.ts'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`claimgraph is already serving the store in ${dataDir} (pid ${process.pid}`);
    expect(result.stderr).toContain(`NEO4J_URI=${server!.uri} NEO4J_PASSWORD="$(cat ${path.join(dataDir, '.claimgraph-password')})"`);
    expect(result.stdout).not.toContain('claimgraph is serving');
    expect(result.stdout + result.stderr).not.toMatch(/starting claimgraph’s own Neo4j|store_lock|Lock file has been locked/);
    expect(readFileSync(path.join(dataDir, STORE_LOCK_FILE), 'utf8')).toBe(before);
  });

  it('while a command holds the store, another command is refused at once and told to wait', async () => {
    const file = path.join(dataDir, STORE_LOCK_FILE);
    const before = readFileSync(file, 'utf8');
    // A live process standing in for a long export that started claimgraph's own Neo4j for itself.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120_000)'], { stdio: 'ignore' });
    try {
      writeFileSync(file, JSON.stringify({ pid: holder.pid, role: 'command', since: '2024-12-20T10:00:00.000Z', uri: server!.uri, neo4jPid: null }));
      const result = await run(bin('export', '--format', 'json'));
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`A claimgraph command (pid ${holder.pid}, since 2024-12-20T10:00:00.000Z) is using the store in ${dataDir}: wait for it to finish`);
    } finally {
      holder.kill('SIGKILL');
      writeFileSync(file, before);
    }
  });

  it('once the server has stopped, the store is free again: a command starts Neo4j on it itself', async () => {
    const expected = await exportString(server!.db, model, 'json');
    await server!.close();
    server = null;
    expect(await readHolder(dataDir)).toBeNull();
    const result = await run(bin('export', '--format', 'json'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(expected);
    expect(result.stderr).toContain('starting claimgraph’s own Neo4j');
    expect(await readHolder(dataDir)).toBeNull();
  }, 300_000);
});
