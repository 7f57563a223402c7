import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The run commands as a user meets them: `npm run dev` (TypeScript through tsx) starts its own Neo4j,
 * loads the sample, logs the URL it serves at, as a JSON log line like every other; SIGTERM stops
 * everything cleanly; a second start, of the compiled server (`npx claimgraph serve`, what `npm start`
 * runs: JavaScript in dist/, built first when stale), finds the data still there. Skipped when NEO4J_URI
 * points the suite at an external server (there is no own Neo4j to stop and restart).
 */
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'claimgraph-dev-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  stdout: () => string;
}

/** stdout as JSON log lines: every line must be one (no bare banner among them). */
function logLines(started: Started): Array<Record<string, unknown>> {
  return started
    .stdout()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

const DEV = ['--import', 'tsx', 'src/main.ts'];
const COMPILED = ['bin/claimgraph.js', 'serve'];

function startDev(argv = DEV): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', CLAIMGRAPH_DATA_DIR: dataDir, CLAIMGRAPH_NEO4J_PORT: '0', PORT: '0', LOG_LEVEL: 'info' };
  delete env.NEO4J_URI;
  const child = spawn(process.execPath, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /claimgraph is serving at (http:\/\/\S+\/graphql)/.exec(output);
      if (m) resolve({ child, url: m[1], output: () => output, stdout: () => stdout });
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

describe.skipIf(!!process.env.NEO4J_URI)('npm run dev, then the compiled server', () => {
  it('serves the sample at the URL it logs, stops cleanly, and keeps the data across restarts', async () => {
    const first = await startDev();
    expect(first.output()).toContain('loaded the Kupyansk sample');
    // the banner is a log line like the others, with the URLs as fields
    const banner = logLines(first).find((l) => String(l.msg).startsWith('claimgraph is serving at'));
    expect(banner).toMatchObject({ level: 30, url: first.url, health: first.url.replace(/graphql$/, 'health'), explorer: first.url.replace(/graphql$/, '') });
    const count = await kupyanskStatements(first.url);
    expect(count).toBeGreaterThan(10);
    const health = await fetch(first.url.replace(/graphql$/, 'health'));
    expect(await health.json()).toEqual({ status: 'ok', neo4j: 'up' });
    expect(await stop(first)).toBe(0);

    const second = await startDev(COMPILED);
    try {
      // The store was kept, so the sample is not loaded again and the same statements answer.
      expect(second.output()).not.toContain('loaded the Kupyansk sample');
      expect(logLines(second).some((l) => l.msg === `claimgraph is serving at ${second.url}`)).toBe(true);
      // compiled JavaScript, not TypeScript through tsx
      expect(existsSync(path.join(root, 'dist', 'main.js'))).toBe(true);
      expect(await kupyanskStatements(second.url)).toBe(count);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  }, 480_000);
});
