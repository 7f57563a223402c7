import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { STORE_LOCK_FILE, claimStore, readHolder, waitForHolder, type StoreHolder } from '../../src/neo4j/storeLock.js';

/**
 * The file beside claimgraph's own Neo4j store that says who holds it. Real processes stand in for
 * holders: this one, a live child, and one that has exited.
 */

const dirs: string[] = [];
function storeDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'claimgraph-lock-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const lockFile = (dir: string) => path.join(dir, STORE_LOCK_FILE);
const write = (dir: string, holder: Partial<StoreHolder>) => writeFileSync(lockFile(dir), JSON.stringify(holder));

/** The pid of a process that has exited (not reused within the test, in practice). */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(run.stdout);
}

const children: Array<ReturnType<typeof spawn>> = [];
function livePid(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}
afterEach(() => {
  while (children.length) children.pop()!.kill('SIGKILL');
});

describe('claimStore', () => {
  it('takes a free store, records this process, and gives it back', async () => {
    const dir = storeDir();
    const claim = await claimStore(dir, 'server');
    expect(claim.kind).toBe('claimed');
    if (claim.kind !== 'claimed') return;
    expect(claim.previous).toBeNull();
    expect(await readHolder(dir)).toMatchObject({ pid: process.pid, role: 'server', uri: null, neo4jPid: null });

    await claim.ready('bolt://127.0.0.1:7697', 4242);
    expect(await readHolder(dir)).toMatchObject({ pid: process.pid, role: 'server', uri: 'bolt://127.0.0.1:7697', neo4jPid: 4242 });
    // readable by its owner only: it says where the store's Neo4j listens
    expect(statSync(lockFile(dir)).mode & 0o077).toBe(0);

    await claim.release();
    expect(existsSync(lockFile(dir))).toBe(false);
    expect((await claimStore(dir, 'command')).kind).toBe('claimed');
  });

  it('reports a live holder, with its role and Neo4j, and does not touch its file', async () => {
    const dir = storeDir();
    const pid = livePid();
    write(dir, { pid, role: 'server', since: '2024-12-20T10:00:00.000Z', uri: 'bolt://127.0.0.1:40001', neo4jPid: 1234 });
    const before = readFileSync(lockFile(dir), 'utf8');
    const claim = await claimStore(dir, 'command');
    expect(claim).toEqual({ kind: 'held', holder: { pid, role: 'server', since: '2024-12-20T10:00:00.000Z', uri: 'bolt://127.0.0.1:40001', neo4jPid: 1234 } });
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(before);
  });

  it('a second claim by the same process finds the first', async () => {
    const dir = storeDir();
    const first = await claimStore(dir, 'server');
    const second = await claimStore(dir, 'command');
    expect(second).toMatchObject({ kind: 'held', holder: { pid: process.pid, role: 'server' } });
    if (first.kind === 'claimed') await first.release();
  });

  it('replaces the record of a holder that died, and says who it was (its Neo4j may still be stopping)', async () => {
    const dir = storeDir();
    const dead = deadPid();
    write(dir, { pid: dead, role: 'server', since: 'x', uri: 'bolt://127.0.0.1:40002', neo4jPid: 999_999 });
    const claim = await claimStore(dir, 'command');
    expect(claim.kind).toBe('claimed');
    if (claim.kind !== 'claimed') return;
    expect(claim.previous).toMatchObject({ pid: dead, uri: 'bolt://127.0.0.1:40002', neo4jPid: 999_999 });
    expect(await readHolder(dir)).toMatchObject({ pid: process.pid, role: 'command' });
    await claim.release();
  });

  it('replaces an unreadable record once it is old, and waits for a fresh one to be written', async () => {
    const dir = storeDir();
    writeFileSync(lockFile(dir), 'not json');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile(dir), old, old);
    const claim = await claimStore(dir, 'server');
    expect(claim.kind).toBe('claimed');
    if (claim.kind === 'claimed') await claim.release();

    // Fresh and empty: its writer is between creating and writing it; once written, it is a live holder.
    const pid = livePid();
    writeFileSync(lockFile(dir), '');
    setTimeout(() => write(dir, { pid, role: 'server', since: 'y', uri: null, neo4jPid: null }), 300);
    expect(await claimStore(dir, 'command')).toMatchObject({ kind: 'held', holder: { pid, role: 'server', uri: null } });
  });

  it('release leaves a record another process wrote', async () => {
    const dir = storeDir();
    const claim = await claimStore(dir, 'command');
    const other = livePid();
    write(dir, { pid: other, role: 'server', since: 'z', uri: null, neo4jPid: null });
    if (claim.kind === 'claimed') await claim.release();
    expect(await readHolder(dir)).toMatchObject({ pid: other });
  });
});

describe('waitForHolder', () => {
  it('returns once the holder records its Neo4j, or null when the holder is gone', async () => {
    const dir = storeDir();
    const pid = livePid();
    write(dir, { pid, role: 'server', since: 's', uri: null, neo4jPid: null });
    setTimeout(() => write(dir, { pid, role: 'server', since: 's', uri: 'bolt://127.0.0.1:40003', neo4jPid: 7 }), 300);
    expect(await waitForHolder(dir, 30_000)).toMatchObject({ pid, uri: 'bolt://127.0.0.1:40003' });

    write(dir, { pid: deadPid(), role: 'server', since: 's', uri: null, neo4jPid: null });
    expect(await waitForHolder(dir, 30_000)).toBeNull();
    rmSync(lockFile(dir));
    expect(await waitForHolder(dir, 30_000)).toBeNull();
  });

  it('gives the holder back as it is when the time is up', async () => {
    const dir = storeDir();
    const pid = livePid();
    write(dir, { pid, role: 'server', since: 's', uri: null, neo4jPid: null });
    expect(await waitForHolder(dir, 300)).toMatchObject({ pid, uri: null });
  });
});
