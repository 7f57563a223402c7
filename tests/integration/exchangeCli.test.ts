import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectTestDatabase, model, resetToSample } from '../harness.js';
import type { Database } from '../../src/neo4j/database.js';
import { generateGraphNdjson } from '../generateGraph.js';
import { exportCsv, exportString, graphCounts, tempDir, wipe } from '../exchange.js';

/**
 * `npm run import` and `npm run export` as a user runs them: separate processes against the test Neo4j
 * (NEO4J_URI from the harness), exit codes, messages on stderr, and an import killed half-way through
 * that a second run completes.
 */

let db: Database;
const dir = tempDir('claimgraph-cli-');
const ROOT = path.resolve(__dirname, '../..');

beforeAll(async () => {
  db = connectTestDatabase();
});
afterAll(async () => {
  await resetToSample(db);
  await db.close();
});

function env() {
  const target = inject('neo4j');
  return { ...process.env, NEO4J_URI: target.uri, NEO4J_USER: target.user, NEO4J_PASSWORD: target.password, NEO4J_DATABASE: target.database, LOG_LEVEL: 'warn' };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(command: 'import' | 'export', args: string[], onSpawn?: (kill: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${command}.ts`, ...args], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onSpawn?.(() => child.kill('SIGKILL'));
  });
}

describe('export then import, every importable format', () => {
  beforeEach(() => resetToSample(db));

  it('json and ndjson files, and a csv directory: exit 0, and byte-identical after an import into an empty database', async () => {
    const json = path.join(dir, 'sample.json');
    const ndjson = path.join(dir, 'sample.ndjson');
    const csvDir = path.join(dir, 'sample-csv');
    for (const [args, file] of [
      [['--out', json], json],
      [['--format', 'ndjson', '--out', ndjson], ndjson],
      [['--format', 'csv', '--out', csvDir], csvDir],
    ] as const) {
      const run = await cli('export', [...args]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/exported \d+ nodes and \d+ edges/);
      expect(file).toBeTruthy();
    }
    expect(readFileSync(json, 'utf8')).toBe(await exportString(db, model, 'json'));
    expect(readFileSync(ndjson, 'utf8')).toBe(await exportString(db, model, 'ndjson'));
    const csvFiles = readdirSync(csvDir).sort();
    expect(Object.fromEntries(csvFiles.map((f) => [f, readFileSync(path.join(csvDir, f), 'utf8')]))).toEqual((await exportCsv(db, model)).files);

    for (const target of [json, ndjson, csvDir]) {
      await wipe(db);
      const run = await cli('import', [target, '--batch-size', '40']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^imported \d+ nodes \(\d+ created, 0 updated\) and \d+ edges \(\d+ created, 0 updated\) in \d+ batch/);
      expect(await exportString(db, model, 'json'), target).toBe(readFileSync(json, 'utf8'));
    }
    // and once more: nothing changes, nothing is logged
    const before = await graphCounts(db);
    const again = await cli('import', [json]);
    expect(again.stdout).toMatch(/\(0 created, 0 updated\) and \d+ edges \(0 created, 0 updated\)/);
    expect(await graphCounts(db)).toEqual(before);
  }, 300_000);

  it('export to stdout with a selection; other formats by --out extension', async () => {
    const run = await cli('export', ['--seed', 'place:kupyansk', '--depth', '1', '--label', 'place', '--label', 'Statement', '--format', 'ndjson']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(await exportString(db, model, 'ndjson', { seeds: ['place:kupyansk'], depth: 1, labels: ['Place', 'Statement'] }));
    const graphml = path.join(dir, 'kharkiv.graphml');
    const filtered = await cli('export', ['--within', 'place:kharkiv-province', '--from', '2024-11-01', '--to', '2024-12-31', '--out', graphml]);
    expect(filtered.code, filtered.stderr).toBe(0);
    expect(readFileSync(graphml, 'utf8')).toBe(await exportString(db, model, 'graphml', { within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31' }));
    // --closure none: exactly the selection (one statement, none of its speaker, sources or places).
    const alone = await cli('export', ['--seed', 'statement:wgf-full-control-2024-12-16', '--depth', '0', '--closure', 'none', '--format', 'ndjson']);
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout.split('\n').filter((l) => l.includes('"kind":"node"'))).toHaveLength(1);
    const closed = await cli('export', ['--seed', 'statement:wgf-full-control-2024-12-16', '--depth', '0', '--format', 'ndjson']);
    expect(closed.stdout).toBe(await exportString(db, model, 'ndjson', { seeds: ['statement:wgf-full-control-2024-12-16'], depth: 0 }));
    expect(closed.stdout.split('\n').filter((l) => l.includes('"kind":"node"')).length).toBeGreaterThan(5);
  });
});

describe('errors and exit codes', () => {
  beforeAll(() => resetToSample(db));

  it('usage errors exit 2 with the usage text', { timeout: 180_000 }, async () => {
    for (const [command, args, message] of [
      ['import', [], /give a file or directory/],
      ['import', ['/no/such/file.json'], /no such file/],
      ['import', ['x.json', '--batch-size', '0'], /--batch-size/],
      ['export', ['--format', 'xml'], /unknown --format xml/],
      ['export', ['--format', 'csv'], /--out DIRECTORY/],
      ['export', ['--depth', '3'], /depth needs seeds/],
      ['export', ['--seed', 'place:kupyansk', '--closure', 'all'], /--closure: must be one of context, none/],
      ['export', ['--bogus'], /Unknown option/],
    ] as const) {
      const run = await cli(command, [...args]);
      expect(run.code, `${command} ${args.join(' ')}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain(`usage: claimgraph ${command}`);
    }
  });

  it('an unknown seed exits 4', async () => {
    const run = await cli('export', ['--seed', 'place:atlantis']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/no node has id place:atlantis/);
  });

  it('an invalid bundle exits 3, names file, line and field, and writes nothing', async () => {
    const ndjson = (await exportString(db, model, 'ndjson')).split('\n');
    ndjson[4] = ndjson[4].replace('"properties":{', '"properties":{"colour":"red",');
    const file = path.join(dir, 'bad.ndjson');
    writeFileSync(file, ndjson.join('\n'));
    const before = await graphCounts(db);
    const run = await cli('import', [file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/nothing was written/);
    expect(run.stderr).toMatch(/bad\.ndjson:5: properties: .*colour/);
    expect(await graphCounts(db)).toEqual(before);
  });

  it('--dry-run validates and writes nothing', async () => {
    const file = path.join(dir, 'dry.json');
    writeFileSync(file, await exportString(db, model, 'json'));
    await wipe(db);
    const run = await cli('import', [file, '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^valid: \d+ nodes, \d+ edges/);
    expect(await graphCounts(db)).toEqual({});
  });
});

it('an import killed half-way leaves whole batches; running it again completes it, byte-identical', async () => {
  await wipe(db);
  const file = path.join(dir, 'generated.ndjson');
  const generated = generateGraphNdjson(file, 2000, 7);
  // the reference: the same file imported in one uninterrupted run
  const clean = await cli('import', [file, '--batch-size', '2000']);
  expect(clean.code, clean.stderr).toBe(0);
  const reference = await exportString(db, model, 'ndjson');
  await wipe(db);

  let killed = false;
  const nodes = async () => Number((await db.read('MATCH (n) WHERE n:Actor OR n:Unit OR n:Place OR n:Statement OR n:Source RETURN count(n) AS n')).records[0].get('n'));
  const interrupted = await cli('import', [file, '--batch-size', '100'], (kill) => {
    const poll = setInterval(async () => {
      if (killed) return;
      const n = await nodes().catch(() => 0);
      if (n > 0) {
        killed = true;
        clearInterval(poll);
        kill();
      }
    }, 20);
  });
  expect(interrupted.code).not.toBe(0);
  const partial = await nodes();
  expect(partial).toBeGreaterThan(0);
  expect(partial).toBeLessThan(generated.nodes);
  // every committed batch is whole: a multiple of the batch size of nodes (the file lists nodes first)
  expect(partial % 100).toBe(0);

  const rerun = await cli('import', [file, '--batch-size', '100']);
  expect(rerun.code, rerun.stderr).toBe(0);
  expect(await nodes()).toBe(generated.nodes);
  expect(await exportString(db, model, 'ndjson')).toBe(reference);
}, 300_000);
