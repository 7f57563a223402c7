import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { Database, databaseSettings } from './database.js';
import { migrate } from './migrations.js';
import { startOwnNeo4j, type OwnNeo4j, type OwnNeo4jEvent } from './ownNeo4j.js';

/**
 * The password of our own Neo4j, kept beside its store (readable by the owner only) so a restart reuses it
 * and Neo4j need not rewrite its credentials.
 */
function storePassword(dataDir: string): string {
  const file = path.join(dataDir, '.claimgraph-password');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= 8) return saved;
  }
  mkdirSync(dataDir, { recursive: true });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

export interface Neo4jHandle {
  db: Database;
  /** Where it runs, for the log: the user's server or our own. */
  uri: string;
  own: boolean;
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

/**
 * Connects to the Neo4j the user pointed at (NEO4J_URI), or starts claimgraph's own on loopback with its
 * store in CLAIMGRAPH_DATA_DIR (and restarts it should it die); then applies the migrations.
 */
export async function connectNeo4j(config: Config, log: Logger, options: { dataDir?: string; port?: number } = {}): Promise<Neo4jHandle> {
  let own: OwnNeo4j | null = null;
  let target;
  if (config.NEO4J_URI) {
    target = { uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD!, database: config.NEO4J_DATABASE };
  } else {
    const dataDir = path.resolve(options.dataDir ?? config.CLAIMGRAPH_DATA_DIR);
    log.info({ dataDir }, 'starting claimgraph’s own Neo4j (set NEO4J_URI to use another)');
    own = await startOwnNeo4j({
      dataDir,
      port: options.port ?? config.CLAIMGRAPH_NEO4J_PORT,
      password: storePassword(dataDir),
      heap: config.CLAIMGRAPH_NEO4J_HEAP,
      log: (msg) => log.debug({ neo4j: msg }),
      onEvent: logEvent(log),
    });
    target = { uri: own.uri, user: own.user, password: own.password, database: 'neo4j' };
  }
  const db = Database.connect(target, databaseSettings(config));
  try {
    await db.verifyConnectivity();
    await migrate(db);
  } catch (error) {
    await db.close();
    await own?.stop();
    throw error;
  }
  return {
    db,
    uri: target.uri,
    own: own !== null,
    ownNeo4j: own,
    async close() {
      await db.close();
      await own?.stop();
    },
  };
}
