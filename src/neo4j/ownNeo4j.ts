/**
 * Starts the project's own Neo4j Community 5.26 (embedded DBMS with a Bolt connector, see neo4j/) on
 * loopback, for when no NEO4J_URI was given, and keeps it running: when its Java process dies without
 * being asked to (killed, crashed), it is started again on the same port and store, with backoff. Neo4j
 * itself is a Maven dependency of neo4j/pom.xml; the launcher is built on first use with
 * `mvn -q -B -f neo4j/pom.xml package`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { backoffDelay, type Backoff } from './backoffDelay.js';

export interface OwnNeo4j {
  uri: string;
  user: string;
  password: string;
  /** The Java process's id; undefined while it is being restarted. */
  readonly pid: number | undefined;
  /** How many times it was restarted after dying. */
  readonly restarts: number;
  /** Stops it for good (no restart follows). */
  stop(): Promise<void>;
}

/** What the supervision of our own Neo4j tells its owner (for the log). */
export type OwnNeo4jEvent =
  | { type: 'exited'; pid: number | undefined; how: string; restartInMs: number }
  | { type: 'restarted'; pid: number | undefined; uri: string; restarts: number }
  | { type: 'restartFailed'; error: Error; restartInMs: number };

export interface OwnNeo4jOptions {
  dataDir: string;
  /** 0 or undefined = pick a free loopback port */
  port?: number;
  password: string;
  /** JVM max heap, default '1g' */
  heap?: string;
  /** Neo4j page cache, default '256m' */
  pageCache?: string;
  log?: (msg: string) => void;
  /** Restart Neo4j when it dies on its own (default: after 1 s, 2 s, 4 s … up to 30 s); false to let it stay dead. */
  restart?: Backoff | false;
  onEvent?: (event: OwnNeo4jEvent) => void;
}

export const DEFAULT_RESTART_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 30_000 };
/** A Neo4j that ran this long before dying starts its backoff from the beginning again. */
const BACKOFF_RESET_MS = 60_000;

export class Neo4jPrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Neo4jPrerequisiteError';
  }
}

const READY_PREFIX = 'CLAIMGRAPH_NEO4J_READY ';
const ERROR_PREFIX = 'CLAIMGRAPH_NEO4J_ERROR';
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 30 * 60_000;
const LOCK_WAIT_MS = BUILD_TIMEOUT_MS + 60_000;
const PASSWORD_ENV = 'CLAIMGRAPH_NEO4J_PASSWORD';

/**
 * JVM flags for Neo4j 5 on Java 17+. Neo4j runs without the --add-opens, but then its page cache and
 * transaction-log native access fall back to slower modes (and debug.log fills with warnings).
 */
export const NEO4J_JVM_FLAGS: readonly string[] = [
  '-XX:+UseG1GC',
  '-XX:-OmitStackTraceInFastThrow',
  '-XX:+DisableExplicitGC',
  '-Djdk.nio.maxCachedBufferSize=1024',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dlog4j2.disable.jmx=true',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
];

const ALTERNATIVE =
  'Alternatively set NEO4J_URI (and NEO4J_USER or NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE) to use an existing Neo4j 5.';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const neo4jDir = path.join(projectRoot, 'neo4j');
const pomPath = path.join(neo4jDir, 'pom.xml');
const javaSrcDir = path.join(neo4jDir, 'src', 'main', 'java');
const targetDir = path.join(neo4jDir, 'target');
const classesDir = path.join(targetDir, 'classes');
const libDir = path.join(targetDir, 'lib');
const launcherClass = path.join(classesDir, 'claimgraph', 'neo4j', 'Launcher.class');
const stampPath = path.join(targetDir, '.claimgraph-build-stamp');
const lockDir = path.join(targetDir, '.build-lock');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function tail(lines: string[], n = 25): string {
  return lines.slice(-n).join('\n');
}

// ---------------------------------------------------------------------------------------------
// prerequisites

function checkJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Neo4jPrerequisiteError(
      'Cannot start the built-in Neo4j: `java` was not found on PATH. Install a Java 17+ JDK ' +
        '(e.g. `apt-get install openjdk-17-jdk-headless`) and Maven (`apt-get install maven`). ' +
        ALTERNATIVE,
    );
  }
  const out = `${r.stderr ?? ''}${r.stdout ?? ''}`;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (m) {
    const major = m[1] === '1' ? Number(m[2]) : Number(m[1]);
    if (major < 17) {
      throw new Neo4jPrerequisiteError(
        `Cannot start the built-in Neo4j: it needs Java 17 or newer, but \`java\` is Java ${major}. ` +
          `Install a Java 17+ JDK and put it first on PATH. ${ALTERNATIVE}`,
      );
    }
  }
}

function checkMaven(): void {
  const r = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Neo4jPrerequisiteError(
      'Cannot build the built-in Neo4j: `mvn` (Apache Maven) was not found on PATH. Install Maven ' +
        '(e.g. `apt-get install maven`) along with a Java 17+ JDK. ' +
        ALTERNATIVE,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// build (only when the inputs changed since the last successful build)

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

function sha256(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(path.relative(neo4jDir, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/** Stamp of what the build depends on: pom.xml alone (decides target/lib) and pom + Java sources. */
function inputsStamp(): { pom: string; all: string; text: string } {
  const pom = sha256([pomPath]);
  const all = sha256([pomPath, ...listFiles(javaSrcDir)]);
  return { pom, all, text: `pom=${pom}\nall=${all}\n` };
}

function readStamp(): string {
  try {
    return readFileSync(stampPath, 'utf8');
  } catch {
    return '';
  }
}

function buildIsFresh(): boolean {
  try {
    if (!existsSync(launcherClass) || !statSync(libDir).isDirectory()) return false;
    if (readdirSync(libDir).filter((f) => f.endsWith('.jar')).length === 0) return false;
    return readStamp() === inputsStamp().text;
  } catch {
    return false;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireBuildLock(log: (m: string) => void): Promise<() => Promise<void>> {
  await fsp.mkdir(targetDir, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      await fsp.mkdir(lockDir);
      await fsp.writeFile(path.join(lockDir, 'owner'), `${process.pid}\n`);
      return async () => {
        await fsp.rm(lockDir, { recursive: true, force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    // Held by someone else: break it if its owner is gone (or it never wrote its pid and is old).
    try {
      const owner = Number((await fsp.readFile(path.join(lockDir, 'owner'), 'utf8')).trim());
      if (owner > 0 && !pidAlive(owner)) {
        await fsp.rm(lockDir, { recursive: true, force: true });
        continue;
      }
    } catch {
      try {
        const st = await fsp.stat(lockDir);
        if (Date.now() - st.mtimeMs > 60_000) {
          await fsp.rm(lockDir, { recursive: true, force: true });
          continue;
        }
      } catch {
        continue; // vanished meanwhile
      }
    }
    if (!told) {
      log(`neo4j: waiting for another process building ${path.relative(projectRoot, targetDir)} ...`);
      told = true;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for the Neo4j launcher build lock ${lockDir}; remove it if stale.`);
    }
    await sleep(500);
  }
}

function runMaven(log: (m: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    const child = spawn('mvn', ['-q', '-B', '-f', pomPath, 'package'], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      // Debian's Maven prints ANSI resets even in batch mode.
      const text = chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
      output.push(...text.split(/\r?\n/).filter((l) => l.trim() !== ''));
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve();
        return;
      }
      for (const line of output) log(`mvn: ${line}`);
      reject(
        new Error(
          `Building the Neo4j launcher failed (mvn -q -B -f neo4j/pom.xml package exited with ` +
            `${signal ?? code}):\n${tail(output, 40)}`,
        ),
      );
    });
  });
}

async function ensureBuilt(log: (m: string) => void): Promise<void> {
  if (buildIsFresh()) return;
  checkMaven();
  const release = await acquireBuildLock(log);
  try {
    if (buildIsFresh()) return; // another process built it while we waited
    const stamp = inputsStamp();
    // When pom.xml changed, jars of an older Neo4j version must not stay on the classpath.
    if (!readStamp().includes(`pom=${stamp.pom}\n`)) await fsp.rm(libDir, { recursive: true, force: true });
    await fsp.rm(stampPath, { force: true });
    log('neo4j: building the Neo4j launcher with Maven (the first build downloads ~125 MB into ~/.m2) ...');
    const t0 = Date.now();
    await runMaven(log);
    if (!existsSync(launcherClass) || !existsSync(libDir)) {
      throw new Error(`Maven succeeded but ${launcherClass} or ${libDir} is missing.`);
    }
    await fsp.writeFile(stampPath, stamp.text);
    log(`neo4j: launcher built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await release();
  }
}

// ---------------------------------------------------------------------------------------------
// start / stop

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

/** One run of the Java process. */
interface Instance {
  uri: string;
  pid: number | undefined;
  /** Resolves (with how, e.g. 'signal SIGKILL') when the process has exited, asked to or not. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

function launch(
  opts: Required<Pick<OwnNeo4jOptions, 'heap' | 'pageCache' | 'password'>> & { dataDir: string; port: number },
  log: (m: string) => void,
): Promise<Instance> {
  const args = [
    `-Xmx${opts.heap}`,
    ...NEO4J_JVM_FLAGS,
    '-cp',
    `${classesDir}${path.delimiter}${path.join(libDir, '*')}`,
    'claimgraph.neo4j.Launcher',
    '--data',
    opts.dataDir,
    '--port',
    String(opts.port),
    '--password-env',
    PASSWORD_ENV,
    '--pagecache',
    opts.pageCache,
  ];
  const child: ChildProcess = spawn('java', args, {
    cwd: opts.dataDir, // JVM crash files (hs_err_pid*.log) land next to the data
    env: { ...process.env, [PASSWORD_ENV]: opts.password },
    // stdin stays open as a pipe: when this process dies, the launcher sees EOF and stops Neo4j.
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  const stderrLines: string[] = [];
  let errorLine: string | undefined;
  let exited = false;
  let exitInfo = '';
  const exitPromise = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      process.removeListener('exit', onExit);
      resolve(exitInfo);
    });
  });
  child.stdin!.on('error', () => {}); // EPIPE once the child is gone
  // If the parent exits without calling stop(): SIGTERM makes the launcher shut Neo4j down cleanly.
  const onExit = () => {
    if (!exited) {
      try {
        child.kill('SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', onExit);

  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrLines.push(line);
    if (stderrLines.length > 200) stderrLines.shift();
    if (line.startsWith(ERROR_PREFIX)) errorLine = line.slice(ERROR_PREFIX.length).trim();
    log(`neo4j: ${line}`);
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      if (exited) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exitPromise.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), STOP_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if (timedOut && !exited) {
        log(`neo4j: did not stop within ${STOP_TIMEOUT_MS / 1000} s, killing it`);
        child.kill('SIGKILL');
        await exitPromise;
      }
      child.stdin?.destroy();
    })();
    return stopping;
  };

  return new Promise<Instance>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      process.removeListener('exit', onExit);
      reject(
        new Error(
          `Neo4j did not become ready within ${READY_TIMEOUT_MS / 1000} s (data dir ${opts.dataDir}; ` +
            `logs in ${path.join(opts.dataDir, 'logs')}). Last stderr lines:\n${tail(stderrLines)}`,
        ),
      );
    }, READY_TIMEOUT_MS);

    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(READY_PREFIX)) {
        log(`neo4j(stdout): ${line}`);
        return;
      }
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Do not keep the event loop alive just for Neo4j; the 'exit' hook and stdin EOF stop it.
      child.unref();
      for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as net.Socket | null)?.unref?.();
      resolve({ uri: line.slice(READY_PREFIX.length).trim(), pid: child.pid, exited: exitPromise, stop });
    });

    child.once('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.removeListener('exit', onExit);
      reject(
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Neo4jPrerequisiteError(`Cannot start the built-in Neo4j: \`java\` was not found. ${ALTERNATIVE}`)
          : err,
      );
    });

    void exitPromise.then(() => {
      // Let the stderr reader drain so the message includes the launcher's last words.
      setTimeout(() => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        process.removeListener('exit', onExit);
        const all = stderrLines.join('\n');
        const portInUse = /address already in use|BindException|port .* in use/i.test(all);
        const other = stderrLines.filter((l) => !l.startsWith(ERROR_PREFIX));
        reject(
          new StartFailure(
            `Neo4j exited (${exitInfo}) before it was ready` +
              (errorLine ? `: ${errorLine}` : '') +
              ` (data dir ${opts.dataDir}; logs in ${path.join(opts.dataDir, 'logs')})` +
              (other.length ? `. Last stderr lines:\n${tail(other)}` : ''),
            portInUse,
          ),
        );
      }, 100);
    });
  });
}

export async function startOwnNeo4j(opts: OwnNeo4jOptions): Promise<OwnNeo4j> {
  const log = opts.log ?? (() => {});
  if (!opts.password) throw new Error('startOwnNeo4j: a password is required');
  checkJava();
  await ensureBuilt(log);

  const dataDir = path.resolve(opts.dataDir);
  await fsp.mkdir(dataDir, { recursive: true });
  const heap = opts.heap ?? '1g';
  const pageCache = opts.pageCache ?? '256m';
  const fixedPort = opts.port && opts.port > 0 ? opts.port : undefined;

  // A picked port can be taken by someone else before Neo4j binds it: retry with another one.
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const t0 = Date.now();
    log(`neo4j: starting Neo4j on bolt://127.0.0.1:${port} (data ${dataDir}) ...`);
    try {
      const instance = await launch({ dataDir, port, password: opts.password, heap, pageCache }, log);
      log(`neo4j: ready at ${instance.uri} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      // Restarts use the port it got, so the driver's URI stays right.
      const relaunch = () => launch({ dataDir, port, password: opts.password, heap, pageCache }, log);
      return new SupervisedNeo4j(instance, relaunch, opts.password, opts.restart ?? DEFAULT_RESTART_BACKOFF, opts.onEvent ?? (() => {}), log);
    } catch (e) {
      if (e instanceof StartFailure && e.portInUse && !fixedPort && attempt < 3) {
        log(`neo4j: port ${port} was taken, retrying with another port`);
        continue;
      }
      throw e;
    }
  }
}

/**
 * Our own Neo4j, started again whenever its process dies without stop() having been called: on the same
 * port and store (Neo4j recovers its transaction log on start), after a backoff that grows while restarts
 * keep failing or dying young. The driver reconnects by itself once Neo4j answers again.
 */
class SupervisedNeo4j implements OwnNeo4j {
  readonly user = 'neo4j';
  readonly uri: string;
  private current: Instance | null;
  private stopping = false;
  private attempt = 0;
  private startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private relaunching: Promise<void> | undefined;
  private restartCount = 0;

  constructor(
    first: Instance,
    private readonly relaunch: () => Promise<Instance>,
    readonly password: string,
    private readonly backoff: Backoff | false,
    private readonly onEvent: (event: OwnNeo4jEvent) => void,
    private readonly log: (m: string) => void,
  ) {
    this.uri = first.uri;
    this.current = first;
    this.supervise(first);
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  get restarts(): number {
    return this.restartCount;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.relaunching;
    await this.current?.stop();
  }

  private supervise(instance: Instance): void {
    void instance.exited.then((how) => {
      if (this.stopping || this.current !== instance) return;
      this.current = null;
      if (this.backoff === false) {
        this.log(`neo4j: exited unexpectedly (${how}); not restarting it`);
        return;
      }
      if (Date.now() - this.startedAt >= BACKOFF_RESET_MS) this.attempt = 0;
      const restartInMs = backoffDelay(++this.attempt, this.backoff);
      this.onEvent({ type: 'exited', pid: instance.pid, how, restartInMs });
      this.schedule(restartInMs);
    });
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.relaunching = this.restart().finally(() => {
        this.relaunching = undefined;
      });
    }, delayMs);
    // A pending restart alone does not keep the process alive (the server does, while it runs).
    this.timer.unref();
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      const instance = await this.relaunch();
      if (this.stopping) {
        await instance.stop();
        return;
      }
      this.current = instance;
      this.startedAt = Date.now();
      this.restartCount++;
      this.onEvent({ type: 'restarted', pid: instance.pid, uri: instance.uri, restarts: this.restartCount });
      this.supervise(instance);
    } catch (error) {
      if (this.stopping || this.backoff === false) return;
      const restartInMs = backoffDelay(++this.attempt, this.backoff);
      this.onEvent({ type: 'restartFailed', error: error as Error, restartInMs });
      this.schedule(restartInMs);
    }
  }
}
