import neo4j, {
  type BookmarkManager,
  type Driver,
  Neo4jError,
  type ManagedTransaction,
  type QueryResult,
  type RecordShape,
  type Result,
  type Session,
  type Transaction,
} from 'neo4j-driver';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { badUserInput, databaseUnavailable, queryTimeout } from '../errors.js';
import { concurrencySlots, type ConcurrencySlots } from './concurrencySlots.js';
import { Neo4jMonitor } from './neo4jMonitor.js';
import { tuneBoltSockets } from './boltSockets.js';

/** Where claimgraph's data lives: a driver and the database name to use on it. */
export interface Neo4jTarget {
  uri: string;
  user: string;
  password: string;
  database: string;
}

/** Deadlines and limits of the connection to Neo4j (from the configuration, see src/config.ts). */
export interface DatabaseSettings {
  /** Transaction deadline of the typed API, search, traversal and research fields. */
  queryTimeoutMs: number;
  /** Transaction deadline of one export (one read transaction for the whole stream). */
  exportTimeoutMs: number;
  /** Transaction deadline of one import batch (one write transaction). */
  importBatchTimeoutMs: number;
  /** Transactions a request's view (`forRequest`) has open at once. */
  maxConcurrentQueriesPerRequest: number;
  maxPoolSize: number;
  /** How long a query waits for a free connection before DATABASE_UNAVAILABLE. */
  acquisitionTimeoutMs: number;
  /** How long establishing a connection may take (a lost Neo4j is found out this fast). */
  connectTimeoutMs: number;
  /** Time between background readiness checks (`watch`). */
  healthIntervalMs: number;
}

export function databaseSettings(config: Config): DatabaseSettings {
  return {
    queryTimeoutMs: config.CLAIMGRAPH_QUERY_TIMEOUT_MS,
    exportTimeoutMs: config.CLAIMGRAPH_EXPORT_TIMEOUT_MS,
    importBatchTimeoutMs: config.CLAIMGRAPH_IMPORT_BATCH_TIMEOUT_MS,
    maxConcurrentQueriesPerRequest: config.CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST,
    maxPoolSize: config.CLAIMGRAPH_NEO4J_MAX_POOL_SIZE,
    acquisitionTimeoutMs: config.CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS,
    connectTimeoutMs: config.CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS,
    healthIntervalMs: config.CLAIMGRAPH_HEALTH_INTERVAL_MS,
  };
}

/** The configuration's defaults (src/config.ts), for a Database made without a configuration. */
export const DEFAULT_DATABASE_SETTINGS: DatabaseSettings = {
  queryTimeoutMs: 15_000,
  exportTimeoutMs: 900_000,
  importBatchTimeoutMs: 120_000,
  maxConcurrentQueriesPerRequest: 4,
  maxPoolSize: 100,
  acquisitionTimeoutMs: 5_000,
  connectTimeoutMs: 2_000,
  healthIntervalMs: 1_000,
};

/**
 * Which deadline a transaction runs under: one of the configured ones, 'migration' (schema changes at
 * start, which may wait for index population), or a number of milliseconds (the Cypher endpoint's own).
 */
export type Deadline = 'query' | 'export' | 'importBatch' | 'migration' | number;

export interface TransactionOptions {
  /** Default 'query'; streams default to 'export'. */
  deadline?: Deadline;
  /** Records fetched per round trip (streams, and reads that stop early). */
  fetchSize?: number;
  /** Shown by SHOW TRANSACTIONS next to app: 'claimgraph'. */
  metadata?: Record<string, string>;
}

/** Runs queries inside an open transaction: what the work of a streaming transaction is given. */
export interface Queries {
  run<R extends RecordShape = RecordShape>(cypher: string, params?: Record<string, unknown>): Result<R>;
}

export type QueryListener = (cypher: string, params: Record<string, unknown>) => void;

/** What a transaction listener is told about a transaction that opens. */
export interface TransactionInfo {
  /** The access mode its session is opened with: the routing driver (neo4j://) sends READ to readers, WRITE to the writer. */
  mode: 'READ' | 'WRITE';
  timeoutMs: number;
  /** As Neo4j is given it (SHOW TRANSACTIONS): app 'claimgraph' and the caller's own keys. */
  metadata: Record<string, string>;
  /** The bookmarks it begins with: Neo4j runs it on a member that has reached all of them. */
  bookmarks: readonly string[];
  /**
   * 'request' for a transaction of a request's view (forRequest), whose bookmarks travel in and out with the
   * request; 'process' for the database's own (start-up, authentication, background bookkeeping).
   */
  scope: 'request' | 'process';
}

/**
 * Told when a transaction opens; what it returns is called when the transaction's session is closed, with
 * the bookmarks the session ended with (newer ones when it committed, those it began with when it did not).
 */
export type TransactionListener = (transaction: TransactionInfo) => (ended: readonly string[]) => void;

/** Bookmarks a client handed in with its request, and where it put them (named when Neo4j refuses them). */
export interface GivenBookmarks {
  values: readonly string[];
  /** The header or argument they came in, e.g. X-Claimgraph-Bookmark. */
  argument: string;
}

export interface RequestOptions {
  /** Transactions the view has open at once (default: the setting maxConcurrentQueriesPerRequest). */
  maxConcurrent?: number;
  /** The view's transactions begin with these too: the request is served no older than what they mark. */
  bookmarks?: GivenBookmarks;
}

/**
 * The bookmarks of one request view: those it was given, replaced by the newer ones its transactions end
 * with (the driver's bookmark manager: a transaction's bookmarks replace those it began with). `wrote`
 * says whether a write transaction of the request committed.
 */
interface RequestChain {
  manager: BookmarkManager;
  given: GivenBookmarks | null;
  wrote: boolean;
}

const MIGRATION_TIMEOUT_MS = 10 * 60_000;
/**
 * Retrying a transaction that failed with a transient error or a lost connection: long enough for one
 * retry (the driver waits ~1 s first), short enough that a lost Neo4j answers in about a second.
 */
const MAX_TRANSACTION_RETRY_MS = 1_000;
/** Before the one retry of an auto-commit read (`read`), as long as the driver waits before its first. */
const READ_RETRY_DELAY_MS = 1_000;
/**
 * Neo4j stops a transaction at its deadline (checking every ~2 s); when no answer has come some time
 * after that, Neo4j is not answering at all (hung, or the network is), and the caller is told so.
 */
const NO_ANSWER_GRACE_MS = 10_000;
/** The readiness route waits no longer than this for a check of its own: it answers within a second. */
const READY_TIMEOUT_MS = 800;

/** Neo4j could not read a bookmark it was given (only a client's bookmarks can be such). */
const BOOKMARK_CODES = new Set(['Neo.ClientError.Transaction.InvalidBookmark', 'Neo.ClientError.Transaction.InvalidBookmarkMixture']);

const TIMEOUT_CODES = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
  // A transaction waiting for a lock when its deadline passes is stopped with this code.
  'Neo.ClientError.Transaction.LockClientStopped',
]);
const ACQUISITION_TIMEOUT = /^Connection acquisition timed out/;

/** The driver gave up on Neo4j: it is gone, or a transient failure outlasted the retries. */
export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof Neo4jError &&
    (error.code === 'ServiceUnavailable' || error.code === 'SessionExpired' || error.retriable === true)
  );
}

/** The connection itself failed (as opposed to a transient error inside a working Neo4j). */
function isConnectionLost(error: Neo4jError): boolean {
  return error.code === 'ServiceUnavailable' || error.code === 'SessionExpired';
}

class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

/**
 * Gives up on Neo4j (NoAnswerError) when an answer `race`d has not come by the transaction's deadline plus
 * NO_ANSWER_GRACE_MS. Only time spent waiting for Neo4j counts: a stream's consumer may pause as long as it
 * likes (Neo4j itself stops the transaction at its deadline, and says so on the next pull), and a wait that
 * starts after the deadline gets the grace period. One timer per transaction, not one per record.
 */
class Watchdog {
  private waiting: ((error: Error) => void) | undefined;
  private late = false;
  private readonly timer: NodeJS.Timeout;
  constructor(timeoutMs: number) {
    this.timer = setTimeout(() => {
      if (this.waiting) this.waiting(new NoAnswerError(`no answer from Neo4j within ${timeoutMs + NO_ANSWER_GRACE_MS} ms`));
      else this.late = true;
    }, timeoutMs + NO_ANSWER_GRACE_MS);
    // Watching never keeps the process alive by itself.
    this.timer.unref();
  }
  /** `work`'s outcome, or NoAnswerError; one wait at a time. */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let graceTimer: NodeJS.Timeout | undefined;
      this.waiting = reject;
      if (this.late) {
        graceTimer = setTimeout(() => reject(new NoAnswerError(`no answer from Neo4j within ${NO_ANSWER_GRACE_MS} ms`)), NO_ANSWER_GRACE_MS);
        graceTimer.unref();
      }
      const done = () => {
        if (this.waiting === reject) this.waiting = undefined;
        clearTimeout(graceTimer);
      };
      work.then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}

/** Waits for `work` to settle, but not longer than `ms` (cleanup on a Neo4j that no longer answers). */
async function settleWithin(work: Array<Promise<unknown> | undefined>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(work), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

interface Shared {
  driver: Driver;
  /** The bookmarks of this process: every transaction begins with them, so a server reads its own writes. */
  bookmarks: BookmarkManager;
  target: Neo4jTarget;
  settings: DatabaseSettings;
  queryListeners: Set<QueryListener>;
  transactionListeners: Set<TransactionListener>;
  monitor?: { monitor: Neo4jMonitor; driver: Driver };
}

/**
 * `start` (a driver call that creates a Result) without the JavaScript stack trace the driver captures for
 * every query, to attach to an error that may come: formatting it cost about a twentieth of a read's CPU in
 * the server, and claimgraph never shows a stack (Neo4j's failures are translated, see `translate`).
 * Synchronous, so nothing else runs while the limit is lowered.
 */
function withoutCallerStack<R>(start: () => R): R {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The one way claimgraph runs Cypher. Every transaction — managed reads and writes, streams for export,
 * auto-commit statements — runs with a Neo4j transaction deadline, begins with the bookmarks of the
 * others of this process (a read sees the writes before it, on a cluster too) and is counted for whoever
 * listens (tests count round trips). Reads open READ sessions and writes WRITE sessions: over neo4j:// the
 * driver routes the first to a cluster's readers and the second to its writer. Neo4j's failures come out
 * as GraphQL errors: QUERY_TIMEOUT at a deadline, DATABASE_UNAVAILABLE when Neo4j is gone, does not
 * answer, or no connection is free; both 503 with Retry-After.
 *
 * `forRequest()` gives one request a view of the same database that has at most a few transactions open at
 * once (the rest wait their turn), so no request can take the driver's whole pool. A view may be given a
 * client's bookmarks (those another server of the fleet handed out after a write): its transactions begin
 * with them as well, so the request sees that write whichever server and cluster member serve it.
 */
export class Database {
  private constructor(
    private readonly shared: Shared,
    private readonly slots: ConcurrencySlots | null,
    private readonly chain: RequestChain | null = null,
  ) {}

  static connect(target: Neo4jTarget, settings: DatabaseSettings = DEFAULT_DATABASE_SETTINGS): Database {
    tuneBoltSockets();
    const driver = neo4j.driver(target.uri, neo4j.auth.basic(target.user, target.password), {
      maxConnectionPoolSize: settings.maxPoolSize,
      connectionAcquisitionTimeout: settings.acquisitionTimeoutMs,
      connectionTimeout: settings.connectTimeoutMs,
      maxTransactionRetryTime: MAX_TRANSACTION_RETRY_MS,
      disableLosslessIntegers: false,
    });
    return new Database(
      { driver, bookmarks: neo4j.bookmarkManager(), target, settings, queryListeners: new Set(), transactionListeners: new Set() },
      null,
    );
  }

  get name(): string {
    return this.shared.target.database;
  }

  get settings(): DatabaseSettings {
    return this.shared.settings;
  }

  /**
   * A view of this database for one request: the same everything, at most `maxConcurrent` transactions at
   * once, and the request's own chain of bookmarks (begun with those it was given, if any).
   */
  forRequest(options: RequestOptions = {}): Database {
    const given = options.bookmarks?.values.length ? options.bookmarks : null;
    const chain: RequestChain = { manager: neo4j.bookmarkManager({ initialBookmarks: given?.values ?? [] }), given, wrote: false };
    return new Database(this.shared, concurrencySlots(options.maxConcurrent ?? this.shared.settings.maxConcurrentQueriesPerRequest), chain);
  }

  /** Whether a write transaction of this request view has committed. */
  get wrote(): boolean {
    return this.chain?.wrote ?? false;
  }

  /** The bookmarks this request view was given (empty when none, and for the database itself). */
  get givenBookmarks(): readonly string[] {
    return this.chain?.given?.values ?? [];
  }

  /**
   * The newest bookmarks of this request view: what its last transactions ended with, or those it was given
   * when none has ended since. For the database itself, those of the process.
   */
  async lastBookmarks(): Promise<string[]> {
    return [...(await (this.chain?.manager ?? this.shared.bookmarks).getBookmarks())];
  }

  onQuery(listener: QueryListener): () => void {
    this.shared.queryListeners.add(listener);
    return () => this.shared.queryListeners.delete(listener);
  }

  onTransaction(listener: TransactionListener): () => void {
    this.shared.transactionListeners.add(listener);
    return () => this.shared.transactionListeners.delete(listener);
  }

  /**
   * One query, read-only, in an auto-commit transaction: one message to Neo4j and one answer, where a
   * managed transaction takes three (BEGIN, RUN, COMMIT), and most requests are one query. The same
   * deadline, bookmarks, routing (a READ session goes to a reader) and translation of failures; a
   * transient failure is retried once, as the driver retries managed transactions.
   */
  async read<T extends RecordShape = RecordShape>(cypher: string, params: Record<string, unknown> = {}, options: TransactionOptions = {}): Promise<QueryResult<T>> {
    const timeoutMs = this.timeoutOf(options.deadline ?? 'query');
    return this.inSession('READ', timeoutMs, options, async (session) => {
      const config = this.transactionConfig(timeoutMs, options);
      for (let attempt = 1; ; attempt++) {
        this.notifyQuery(cypher, params);
        try {
          return await withoutCallerStack(() => session.run<T>(cypher, params, config));
        } catch (error) {
          if (attempt > 1 || !neo4j.isRetriableError(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, READ_RETRY_DELAY_MS));
        }
      }
    });
  }

  /** One query in a managed write transaction. */
  async write<T extends RecordShape = RecordShape>(cypher: string, params: Record<string, unknown> = {}, options: TransactionOptions = {}): Promise<QueryResult<T>> {
    return this.writeTransaction((tx) => Promise.resolve(tx.run<T>(cypher, params)), options);
  }

  /** `work` in a managed read transaction (retried by the driver on transient failures: it must be re-runnable). */
  readTransaction<T>(work: (tx: ManagedTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.managed('READ', work, options);
  }

  /** `work` in a managed write transaction: all of it commits, or none (retried like readTransaction). */
  writeTransaction<T>(work: (tx: ManagedTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.managed('WRITE', work, options);
  }

  /**
   * A read transaction whose records are pulled as the consumer asks for them (memory stays flat however
   * big the answer): what `work` yields is yielded. Stopping early (a client that hangs up) rolls it back.
   */
  async *stream<T>(work: (tx: Queries) => AsyncIterable<T>, options: TransactionOptions = {}): AsyncGenerator<T> {
    const timeoutMs = this.timeoutOf(options.deadline ?? 'export');
    this.failFast();
    const release = await this.acquireSlot();
    const watchdog = new Watchdog(timeoutMs);
    let session: Session | undefined;
    let closed: ((ended: readonly string[]) => void) | undefined;
    let tx: Transaction | undefined;
    let iterator: AsyncIterator<T> | undefined;
    let committed = false;
    let bookmarks: string[] = [];
    try {
      this.failFast();
      bookmarks = await this.bookmarksToBeginWith();
      session = this.session('READ', bookmarks, options.fetchSize);
      closed = this.transactionOpened('READ', timeoutMs, options, bookmarks);
      tx = session.beginTransaction(this.transactionConfig(timeoutMs, options));
      iterator = work(this.counted(tx))[Symbol.asyncIterator]();
      for (;;) {
        const step = await watchdog.race(iterator.next());
        if (step.done) break;
        yield step.value;
      }
      await watchdog.race(tx.commit());
      committed = true;
    } catch (error) {
      throw this.translate(error, timeoutMs);
    } finally {
      watchdog.stop();
      if (!committed) await settleWithin([iterator?.return?.()?.catch(() => {}), tx?.rollback().catch(() => {})], NO_ANSWER_GRACE_MS);
      await settleWithin([session?.close().catch(() => {})], NO_ANSWER_GRACE_MS);
      if (session) await this.chainBookmarks('READ', bookmarks, session);
      closed?.(session?.lastBookmarks() ?? []);
      release();
    }
  }

  /** A statement that makes its own transactions (CALL { … } IN TRANSACTIONS) runs in an auto-commit transaction. */
  async autoCommit<T extends RecordShape = RecordShape>(cypher: string, params: Record<string, unknown> = {}, options: TransactionOptions = {}): Promise<QueryResult<T>> {
    const timeoutMs = this.timeoutOf(options.deadline ?? 'query');
    return this.inSession('WRITE', timeoutMs, options, (session) => {
      this.notifyQuery(cypher, params);
      return Promise.resolve(session.run<T>(cypher, params, this.transactionConfig(timeoutMs, options)));
    });
  }

  async verifyConnectivity(): Promise<void> {
    await this.shared.driver.verifyConnectivity({ database: this.name });
  }

  /**
   * Starts (once) the background check of Neo4j that readiness answers from and that lets queries fail
   * at once while Neo4j is known to be gone; `log` gets its one line when Neo4j is lost and when it is back.
   * Its connection is its own, so a busy pool does not look like a lost Neo4j.
   */
  watch(log: Logger): Neo4jMonitor {
    if (this.shared.monitor) return this.shared.monitor.monitor;
    const { target } = this.shared;
    // A background check may take as long as connecting may: a busy Neo4j (a GC pause, a loaded machine)
    // is not a lost one. The route does not wait for it (it answers from the last check).
    const probeTimeoutMs = this.shared.settings.connectTimeoutMs;
    const driver = neo4j.driver(target.uri, neo4j.auth.basic(target.user, target.password), {
      maxConnectionPoolSize: 1,
      connectionAcquisitionTimeout: probeTimeoutMs,
      connectionTimeout: probeTimeoutMs,
      maxTransactionRetryTime: 0,
    });
    const probe = async (timeoutMs: number) => {
      await driver.executeQuery('RETURN 1', {}, { database: target.database, routing: neo4j.routing.READ, transactionConfig: { timeout: timeoutMs } });
    };
    const monitor = new Neo4jMonitor(probe, log, { intervalMs: this.shared.settings.healthIntervalMs, probeTimeoutMs, readyTimeoutMs: READY_TIMEOUT_MS });
    this.shared.monitor = { monitor, driver };
    monitor.start();
    return monitor;
  }

  async close(): Promise<void> {
    const watching = this.shared.monitor;
    watching?.monitor.stop();
    await Promise.all([this.shared.driver.close(), watching?.driver.close()]);
  }

  // ---------------------------------------------------------------------------------------------

  private managed<T>(mode: 'READ' | 'WRITE', work: (tx: ManagedTransaction) => Promise<T>, options: TransactionOptions): Promise<T> {
    const timeoutMs = this.timeoutOf(options.deadline ?? 'query');
    return this.inSession(mode, timeoutMs, options, (session) => {
      const config = this.transactionConfig(timeoutMs, options);
      const counted = (tx: ManagedTransaction) => work(this.counted(tx));
      return mode === 'READ' ? session.executeRead(counted, config) : session.executeWrite(counted, config);
    });
  }

  /** A session for `use`, inside this view's limit, with the deadline watched and Neo4j's failures translated. */
  private async inSession<T>(mode: 'READ' | 'WRITE', timeoutMs: number, options: TransactionOptions, use: (session: Session) => Promise<T>): Promise<T> {
    this.failFast();
    const release = await this.acquireSlot();
    try {
      this.failFast();
      const bookmarks = await this.bookmarksToBeginWith();
      const session = this.session(mode, bookmarks, options.fetchSize);
      const closed = this.transactionOpened(mode, timeoutMs, options, bookmarks);
      const done = (async () => {
        try {
          return await use(session);
        } finally {
          await session.close().catch(() => {});
          await this.chainBookmarks(mode, bookmarks, session);
          closed(session.lastBookmarks());
        }
      })();
      // Given up on when Neo4j does not answer: it may still settle later, and nobody is waiting then.
      done.catch(() => {});
      const watchdog = new Watchdog(timeoutMs);
      try {
        return await watchdog.race(done);
      } finally {
        watchdog.stop();
      }
    } catch (error) {
      throw this.translate(error, timeoutMs);
    } finally {
      release();
    }
  }

  /**
   * A session that begins with `bookmarks`, given explicitly rather than through a bookmark manager so that
   * listeners are told exactly what a transaction began with; chainBookmarks hands on what it ended with.
   */
  private session(mode: 'READ' | 'WRITE', bookmarks: string[], fetchSize?: number): Session {
    return this.shared.driver.session({
      database: this.name,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      bookmarks,
      ...(fetchSize ? { fetchSize } : {}),
    });
  }

  /** This process's bookmarks, and this request's own (those it was given, or newer ones since). */
  private async bookmarksToBeginWith(): Promise<string[]> {
    const all = new Set(await this.shared.bookmarks.getBookmarks());
    if (this.chain) for (const bookmark of await this.chain.manager.getBookmarks()) all.add(bookmark);
    return [...all];
  }

  /**
   * What a session's transactions ended with replaces what they began with, in this process's bookmarks and
   * in the request's. Only bookmarks Neo4j returned are kept: one a client made up never reaches the process's
   * bookmarks (where it would hold up every later transaction), and a transaction that failed changes nothing.
   */
  private async chainBookmarks(mode: 'READ' | 'WRITE', began: string[], session: Session): Promise<void> {
    const ended = session.lastBookmarks();
    if (!ended.length || (ended.length === began.length && ended.every((b) => began.includes(b)))) return;
    await this.shared.bookmarks.updateBookmarks(began, ended);
    if (!this.chain) return;
    await this.chain.manager.updateBookmarks(began, ended);
    if (mode === 'WRITE') this.chain.wrote = true;
  }

  private transactionConfig(timeoutMs: number, options: TransactionOptions) {
    return { timeout: timeoutMs, metadata: this.metadataOf(options) };
  }

  private metadataOf(options: TransactionOptions): Record<string, string> {
    return { app: 'claimgraph', ...options.metadata };
  }

  private timeoutOf(deadline: Deadline): number {
    const { settings } = this.shared;
    switch (deadline) {
      case 'query':
        return settings.queryTimeoutMs;
      case 'export':
        return settings.exportTimeoutMs;
      case 'importBatch':
        return settings.importBatchTimeoutMs;
      case 'migration':
        return MIGRATION_TIMEOUT_MS;
      default:
        return deadline;
    }
  }

  private acquireSlot(): Promise<() => void> {
    return this.slots ? this.slots.acquire() : Promise.resolve(() => {});
  }

  /** While the monitor knows Neo4j is gone, nobody waits for the driver's timeouts to learn it again. */
  private failFast(): void {
    if (this.shared.monitor?.monitor.state === 'down') throw databaseUnavailable();
  }

  private transactionOpened(mode: 'READ' | 'WRITE', timeoutMs: number, options: TransactionOptions, bookmarks: string[]): (ended: readonly string[]) => void {
    const info: TransactionInfo = { mode, timeoutMs, metadata: this.metadataOf(options), bookmarks: [...bookmarks], scope: this.chain ? 'request' : 'process' };
    const closers = [...this.shared.transactionListeners].map((listener) => listener(info));
    let done = false;
    return (ended) => {
      if (done) return;
      done = true;
      for (const close of closers) close([...ended]);
    };
  }

  private notifyQuery(cypher: string, params: Record<string, unknown>): void {
    for (const listener of this.shared.queryListeners) listener(cypher, params);
  }

  /** `tx` with every query it runs told to the query listeners. */
  private counted<X extends ManagedTransaction | Transaction>(tx: X): X {
    const run = tx.run.bind(tx);
    const notify = this.notifyQuery.bind(this);
    return Object.create(tx, {
      run: {
        value: (cypher: string, params: Record<string, unknown> = {}) => {
          notify(cypher, params);
          return withoutCallerStack(() => run(cypher, params));
        },
      },
    }) as X;
  }

  /** Neo4j's failures as the client sees them; anything else (the work's own errors) unchanged. */
  private translate(error: unknown, timeoutMs: number): unknown {
    const given = this.chain?.given;
    if (error instanceof NoAnswerError) {
      this.shared.monitor?.monitor.suspect();
      // A transaction waits (up to Neo4j's db.transaction.bookmark_ready_timeout) for a member that has reached its bookmarks.
      const waited = given ? ` (or no cluster member has reached the bookmarks in ${given.argument} yet)` : '';
      return databaseUnavailable(`The database did not answer in time${waited}; try again shortly.`);
    }
    if (!(error instanceof Neo4jError)) return error;
    if (given && BOOKMARK_CODES.has(error.code)) {
      return badUserInput(`${given.argument}: Neo4j does not recognise a bookmark in it; send back exactly what a claimgraph response gave, or leave it out.`, given.argument);
    }
    if (TIMEOUT_CODES.has(error.code)) return queryTimeout(timeoutMs);
    if (ACQUISITION_TIMEOUT.test(error.message)) return databaseUnavailable('The database is busy (no connection was free in time); try again shortly.');
    if (isUnavailable(error)) {
      if (isConnectionLost(error)) this.shared.monitor?.monitor.suspect();
      return databaseUnavailable();
    }
    return error;
  }
}
