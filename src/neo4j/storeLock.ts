import { promises as fsp } from 'node:fs';
import path from 'node:path';

/**
 * Who holds the store of claimgraph's own Neo4j: a small file beside the store, created exclusively by
 * the process that starts Neo4j on it (so two processes cannot both start one), holding its pid, whether
 * it is a server, and — once its Neo4j answers and is migrated — that Neo4j's Bolt URI. A second
 * claimgraph process reads it at once instead of starting a second Neo4j on the same store (which Neo4j
 * refuses, after a long wait, with a raw lock exception): a command connects to the server's Neo4j; a
 * second server, or anything while a command holds the store, is refused with a message saying how.
 */

export const STORE_LOCK_FILE = '.claimgraph-neo4j.json';

export type HolderRole = 'server' | 'command';

export interface StoreHolder {
  pid: number;
  role: HolderRole;
  /** When it took the store (ISO). */
  since: string;
  /** Its Neo4j's Bolt URI, once that answers and is migrated; null while it starts. */
  uri: string | null;
  /** The Java process of that Neo4j, once started. */
  neo4jPid: number | null;
}

export type StoreClaim =
  | {
      kind: 'claimed';
      /** Records that this process's Neo4j is ready at `uri` (others may connect to it from now on). */
      ready(uri: string, neo4jPid: number | undefined): Promise<void>;
      /** Gives the store up (when this process has stopped its Neo4j). */
      release(): Promise<void>;
      /** The holder before us, which had died without releasing the store (its Neo4j may be stopping still). */
      previous: StoreHolder | null;
    }
  | { kind: 'held'; holder: StoreHolder };

export class StoreInUseError extends Error {
  override name = 'StoreInUseError';
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function parseHolder(text: string): StoreHolder | null {
  try {
    const h = JSON.parse(text) as Partial<StoreHolder>;
    if (typeof h.pid !== 'number' || (h.role !== 'server' && h.role !== 'command')) return null;
    return { pid: h.pid, role: h.role, since: String(h.since ?? ''), uri: typeof h.uri === 'string' ? h.uri : null, neo4jPid: typeof h.neo4jPid === 'number' ? h.neo4jPid : null };
  } catch {
    return null;
  }
}

/** The holder recorded beside the store, or null when there is none (or it is being written). */
export async function readHolder(dataDir: string): Promise<StoreHolder | null> {
  try {
    return parseHolder(await fsp.readFile(path.join(dataDir, STORE_LOCK_FILE), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Writes the file whole, then moves it into place, so a reader never sees half of it. */
async function rewrite(file: string, holder: StoreHolder): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(temp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  await fsp.rename(temp, file);
}

/**
 * Takes the store for this process, or reports who holds it. A holder whose process is gone (killed, or
 * crashed) no longer holds it: its file is replaced.
 */
export async function claimStore(dataDir: string, role: HolderRole): Promise<StoreClaim> {
  await fsp.mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, STORE_LOCK_FILE);
  let previous: StoreHolder | null = null;
  for (let attempt = 0; ; attempt++) {
    const mine: StoreHolder = { pid: process.pid, role, since: new Date().toISOString(), uri: null, neo4jPid: null };
    try {
      const handle = await fsp.open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(mine)}\n`);
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        kind: 'claimed',
        previous,
        async ready(uri, neo4jPid) {
          if (!released) await rewrite(file, { ...mine, uri, neo4jPid: neo4jPid ?? null });
        },
        async release() {
          if (released) return;
          released = true;
          // Only our own record is removed (never one a later holder wrote after ours was taken as stale).
          if ((await readHolder(dataDir).catch(() => null))?.pid === process.pid) await fsp.rm(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readHolder(dataDir);
    if (holder === null) {
      // Just created and not written yet, or unreadable: give its writer a moment, then take it as stale.
      const stat = await fsp.stat(file).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs < 5_000 && attempt < 50) {
        await sleep(100);
        continue;
      }
      await fsp.rm(file, { force: true });
      continue;
    }
    if (holder.pid !== process.pid && !pidAlive(holder.pid)) {
      previous = holder;
      await fsp.rm(file, { force: true });
      continue;
    }
    return { kind: 'held', holder };
  }
}

/**
 * Waits until the holder's Neo4j is ready (its URI recorded) or the holder is gone; returns the holder
 * as it then is, or null when it went away (the caller may claim the store itself).
 */
export async function waitForHolder(dataDir: string, timeoutMs: number): Promise<StoreHolder | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const holder = await readHolder(dataDir);
    if (holder === null || !pidAlive(holder.pid)) return null;
    if (holder.uri !== null || Date.now() > deadline) return holder;
    await sleep(200);
  }
}
