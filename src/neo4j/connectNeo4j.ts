import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { Database, databaseSettings } from './database.js';
import { migrate } from './migrations.js';
import { startOwnNeo4j, type OwnNeo4j, type OwnNeo4jEvent } from './ownNeo4j.js';
import { claimStore, pidAlive, StoreInUseError, waitForHolder, type HolderRole, type StoreHolder } from './storeLock.js';

/**
 * The password of our own Neo4j, kept beside its store (readable by the owner only) so a restart reuses it
 * and Neo4j need not rewrite its credentials.
 */
const passwordFile = (dataDir: string) => path.join(dataDir, '.claimgraph-password');

function storePassword(dataDir: string): string {
  const saved = savedPassword(dataDir);
  if (saved) return saved;
  mkdirSync(dataDir, { recursive: true });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(passwordFile(dataDir), password, { mode: 0o600 });
  return password;
}

function savedPassword(dataDir: string): string | null {
  const file = passwordFile(dataDir);
  if (!existsSync(file)) return null;
  const saved = readFileSync(file, 'utf8').trim();
  return saved.length >= 8 ? saved : null;
}

export interface Neo4jHandle {
  db: Database;
  /** Where it runs, for the log: the user's server or our own. */
  uri: string;
  own: boolean;
  /** The claimgraph server whose own Neo4j this process uses (when it found one holding the store). */
  sharedWith: StoreHolder | null;
  /** Our own Neo4j (its process id, its restarts), when we started it. */
  ownNeo4j: OwnNeo4j | null;
  /** Closes the driver, then stops our own Neo4j if we started one. */
  close(): Promise<void>;
}

/** Our own Neo4j's deaths and restarts, in claimgraph's log. */
function logEvent(log: Logger) {
  return (event: OwnNeo4jEvent) => {
    if (event.type === 'exited') {
      log.error({ pid: event.pid, how: event.how, restartInMs: event.restartInMs }, 'claimgraph’s own Neo4j exited unexpectedly; restarting it');
    } else if (event.type === 'restarted') {
      log.info({ pid: event.pid, uri: event.uri, restarts: event.restarts }, 'claimgraph’s own Neo4j restarted');
    } else {
      log.error({ reason: event.error.message, restartInMs: event.restartInMs }, 'claimgraph’s own Neo4j could not be restarted; trying again');
    }
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How long a command waits for a server that is still starting its Neo4j on the store. */
const HOLDER_READY_TIMEOUT_MS = 180_000;
/** How long to wait for the Neo4j of a claimgraph process that died to stop, before starting another. */
const ORPHAN_STOP_TIMEOUT_MS = 30_000;

function since(holder: StoreHolder): string {
  return holder.since ? `, since ${holder.since}` : '';
}

function reachItBy(dataDir: string, holder: StoreHolder): string {
  return holder.uri
    ? `To reach that Neo4j from elsewhere: NEO4J_URI=${holder.uri} NEO4J_PASSWORD="$(cat ${passwordFile(dataDir)})".`
    : 'To use another Neo4j, set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD).';
}

/** Why this process may not use the store `holder` holds, and what to do instead. */
function refusal(dataDir: string, role: HolderRole, holder: StoreHolder): string {
  if (holder.role === 'server' && role === 'server') {
    return (
      `claimgraph is already serving the store in ${dataDir} (pid ${holder.pid}${since(holder)}${holder.uri ? `, its Neo4j at ${holder.uri}` : ''}). ` +
      'Stop that server first, or give this one its own store (CLAIMGRAPH_DATA_DIR) or another Neo4j (NEO4J_URI). ' +
      reachItBy(dataDir, holder)
    );
  }
  return (
    `A claimgraph command (pid ${holder.pid}${since(holder)}) is using the store in ${dataDir}: wait for it to finish, or stop it. ` +
    '(Commands share the Neo4j of a running claimgraph server, but not one a command started for itself.) ' +
    reachItBy(dataDir, holder)
  );
}

/** Connects to the Neo4j a claimgraph server runs on the store this process was pointed at. */
async function shareServersNeo4j(config: Config, log: Logger, dataDir: string, holder: StoreHolder): Promise<Neo4jHandle> {
  const password = savedPassword(dataDir);
  if (!holder.uri || !password) throw new StoreInUseError(refusal(dataDir, 'command', { ...holder, role: 'command' }));
  log.info({ dataDir, uri: holder.uri, serverPid: holder.pid }, 'a claimgraph server holds this store: using its Neo4j');
  const db = Database.connect({ uri: holder.uri, user: 'neo4j', password, database: 'neo4j' }, databaseSettings(config));
  try {
    // The server applied the migrations before it recorded its Neo4j as ready.
    await db.verifyConnectivity();
  } catch (error) {
    await db.close();
    throw new StoreInUseError(
      `A claimgraph server (pid ${holder.pid}${since(holder)}) holds the store in ${dataDir}, but its Neo4j at ${holder.uri} does not answer ` +
        `(${(error as Error).message}); it may be restarting it. Try again shortly, or stop that server.`,
    );
  }
  return { db, uri: holder.uri, own: false, ownNeo4j: null, sharedWith: holder, close: () => db.close() };
}

/**
 * Connects to the Neo4j the user pointed at (NEO4J_URI), or starts claimgraph's own on loopback with its
 * store in CLAIMGRAPH_DATA_DIR (and restarts it should it die); then applies the migrations. Only one
 * process runs Neo4j on a store (see storeLock.ts): a command (`role: 'command'`, the default) finds a
 * server holding the store and uses that server's Neo4j; a server finding the store held is refused at
 * once, as is anything while a command holds it.
 */
export async function connectNeo4j(
  config: Config,
  log: Logger,
  options: { dataDir?: string; port?: number; role?: HolderRole } = {},
): Promise<Neo4jHandle> {
  let own: OwnNeo4j | null = null;
  let claim: Awaited<ReturnType<typeof claimStore>> | null = null;
  let target;
  if (config.NEO4J_URI) {
    target = { uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD!, database: config.NEO4J_DATABASE };
  } else {
    const dataDir = path.resolve(options.dataDir ?? config.CLAIMGRAPH_DATA_DIR);
    const role = options.role ?? 'command';
    for (;;) {
      claim = await claimStore(dataDir, role);
      if (claim.kind === 'claimed') break;
      let holder: StoreHolder | null = claim.holder;
      if (role === 'server' || holder.role === 'command') throw new StoreInUseError(refusal(dataDir, role, holder));
      if (holder.uri === null) {
        log.info({ dataDir, serverPid: holder.pid }, 'a claimgraph server is starting Neo4j on this store: waiting for it');
        holder = await waitForHolder(dataDir, HOLDER_READY_TIMEOUT_MS);
        if (holder === null) continue; // it went away: the store is free
      }
      return shareServersNeo4j(config, log, dataDir, holder);
    }
    const previous = claim.previous;
    if (previous?.neo4jPid && pidAlive(previous.neo4jPid)) {
      // Its launcher stops Neo4j when its parent dies; starting another before that would fail on Neo4j's own lock.
      log.info({ dataDir, pid: previous.neo4jPid }, 'waiting for the Neo4j of a claimgraph process that died to stop');
      const deadline = Date.now() + ORPHAN_STOP_TIMEOUT_MS;
      while (pidAlive(previous.neo4jPid) && Date.now() < deadline) await sleep(200);
    }
    log.info({ dataDir }, 'starting claimgraph’s own Neo4j (set NEO4J_URI to use another)');
    const events = logEvent(log);
    const held = claim;
    try {
      own = await startOwnNeo4j({
        dataDir,
        port: options.port ?? config.CLAIMGRAPH_NEO4J_PORT,
        password: storePassword(dataDir),
        heap: config.CLAIMGRAPH_NEO4J_HEAP,
        log: (msg) => log.debug({ neo4j: msg }),
        onEvent: (event) => {
          events(event);
          if (event.type === 'restarted') void held.ready(event.uri, event.pid).catch(() => {});
        },
      });
    } catch (error) {
      await claim.release();
      throw error;
    }
    target = { uri: own.uri, user: own.user, password: own.password, database: 'neo4j' };
  }
  const db = Database.connect(target, databaseSettings(config));
  try {
    await db.verifyConnectivity();
    await migrate(db);
    if (claim?.kind === 'claimed') await claim.ready(target.uri, own?.pid);
  } catch (error) {
    await db.close();
    await own?.stop();
    if (claim?.kind === 'claimed') await claim.release();
    throw error;
  }
  const held = claim;
  return {
    db,
    uri: target.uri,
    own: own !== null,
    ownNeo4j: own,
    sharedWith: null,
    async close() {
      await db.close();
      await own?.stop();
      if (held?.kind === 'claimed') await held.release();
    },
  };
}
