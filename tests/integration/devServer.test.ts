import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The run command as a user meets it: `npm run dev` starts its own Neo4j, loads the sample, prints a URL
 * that answers; SIGTERM stops everything cleanly; a second start finds the data still there. Skipped when
 * NEO4J_URI points the suite at an external server (there is no own Neo4j to stop and restart).
 */
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'claimgraph-dev-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function startDev(): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', CLAIMGRAPH_DATA_DIR: dataDir, CLAIMGRAPH_NEO4J_PORT: '0', PORT: '0', LOG_LEVEL: 'info' };
  delete env.NEO4J_URI;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /claimgraph is serving at (http:\/\/\S+\/graphql)/.exec(output);
      if (m) resolve({ child, url: m[1], output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`dev server exited with ${code}:\n${output}`)));
  });
}

function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.once('exit', (code) => resolve(code));
    started.child.kill('SIGTERM');
  });
}

async function kupyanskStatements(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ place(id: "place:kupyansk") { statements { totalCount } } }' }),
  });
  const body = (await response.json()) as { data: { place: { statements: { totalCount: number } } } };
  return body.data.place.statements.totalCount;
}

describe.skipIf(!!process.env.NEO4J_URI)('npm run dev', () => {
  it('serves the sample at the URL it prints, stops cleanly, and keeps the data across restarts', async () => {
    const first = await startDev();
    expect(first.output()).toContain('loaded the Kupyansk sample');
    const count = await kupyanskStatements(first.url);
    expect(count).toBeGreaterThan(10);
    const health = await fetch(first.url.replace(/graphql$/, 'health'));
    expect(await health.json()).toEqual({ status: 'ok', neo4j: 'up' });
    expect(await stop(first)).toBe(0);

    const second = await startDev();
    try {
      // The store was kept, so the sample is not loaded again and the same statements answer.
      expect(second.output()).not.toContain('loaded the Kupyansk sample');
      expect(await kupyanskStatements(second.url)).toBe(count);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  }, 240_000);
});
