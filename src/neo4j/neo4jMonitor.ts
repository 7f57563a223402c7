import type { Logger } from 'pino';

/** What the monitor last concluded: 'unknown' until its first check. */
export type Neo4jState = 'unknown' | 'up' | 'down';

export interface Neo4jMonitorOptions {
  /** Time between background checks. */
  intervalMs: number;
  /** A background check that has not answered by then has failed. */
  probeTimeoutMs: number;
  /** The longest `ready()` waits for a check of its own, when the last one is not recent. */
  readyTimeoutMs: number;
}

/** One check of Neo4j: resolves when Neo4j answered, rejects when it did not. */
export type Probe = (timeoutMs: number) => Promise<void>;

/** One lost answer (a connection dropped, a GC pause) is not a lost Neo4j: it takes this many in a row. */
const FAILURES_BEFORE_DOWN = 2;

/**
 * Knows whether Neo4j answers, so that nobody has to wait to find out: it checks in the background on an
 * interval, at once when a query failed as if Neo4j were gone, and on demand when its knowledge is stale.
 * It logs one error line when Neo4j is lost and one info line when it is back, whatever the number of
 * requests that failed meanwhile.
 */
export class Neo4jMonitor {
  private current: Neo4jState = 'unknown';
  private failures = 0;
  private checkedAt = 0;
  private downSince = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<boolean> | undefined;
  private running = false;

  constructor(
    private readonly probe: Probe,
    private readonly log: Logger,
    private readonly options: Neo4jMonitorOptions,
  ) {}

  get state(): Neo4jState {
    return this.current;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** A query failed as if Neo4j were gone: check now rather than at the next interval. */
  suspect(): void {
    if (this.running && !this.inflight) this.schedule(0);
  }

  /**
   * Whether Neo4j answers, within readyTimeoutMs: from the last check when it is recent, else from a check
   * made now (no answer in time is not ready).
   */
  async ready(): Promise<boolean> {
    const fresh = this.current !== 'unknown' && Date.now() - this.checkedAt <= 2 * this.options.intervalMs + this.options.probeTimeoutMs;
    if (fresh) return this.current === 'up';
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.options.readyTimeoutMs)));
    try {
      return await Promise.race([this.check(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Checks Neo4j once (whoever asks while a check runs shares it); resolves with whether it answered. */
  check(): Promise<boolean> {
    this.inflight ??= this.runProbe().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // The monitor alone never keeps the process alive.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    await this.check();
    if (!this.running) return;
    // After a first failure, look again at once: it takes FAILURES_BEFORE_DOWN in a row to call Neo4j lost.
    this.schedule(this.failures > 0 && this.failures < FAILURES_BEFORE_DOWN ? 0 : this.options.intervalMs);
  }

  private async runProbe(): Promise<boolean> {
    const timeoutMs = this.options.probeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let failure: unknown;
    try {
      await Promise.race([
        this.probe(timeoutMs),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timer);
    }
    this.checkedAt = Date.now();
    if (failure === undefined) {
      if (this.current === 'down') this.log.info({ downForMs: Date.now() - this.downSince }, 'Neo4j is reachable again');
      this.current = 'up';
      this.failures = 0;
      return true;
    }
    this.failures++;
    if (this.current !== 'down' && this.failures >= FAILURES_BEFORE_DOWN) {
      this.current = 'down';
      this.downSince = Date.now();
      this.log.error({ reason: failure instanceof Error ? failure.message : String(failure) }, 'Neo4j is unreachable');
    }
    return false;
  }
}
