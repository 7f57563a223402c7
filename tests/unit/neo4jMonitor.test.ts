import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { Neo4jMonitor } from '../../src/neo4j/neo4jMonitor.js';

/** A Neo4j whose answers the test decides: up, refusing (rejects at once) or hanging (never answers). */
function fakeNeo4j() {
  const neo4j = { mode: 'up' as 'up' | 'refusing' | 'hanging', probes: 0 };
  const probe = async () => {
    neo4j.probes++;
    if (neo4j.mode === 'refusing') throw new Error('connection refused');
    if (neo4j.mode === 'hanging') await new Promise(() => {});
  };
  return { neo4j, probe };
}

function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines, lost: () => lines.filter((l) => l.msg === 'Neo4j is unreachable'), back: () => lines.filter((l) => l.msg === 'Neo4j is reachable again') };
}

const options = { intervalMs: 1_000, probeTimeoutMs: 2_000, readyTimeoutMs: 800 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Neo4jMonitor', () => {
  it('is up after its first answer, and logs nothing for it', async () => {
    const { probe } = fakeNeo4j();
    const { log, lines } = capturedLog();
    const monitor = new Neo4jMonitor(probe, log, options);
    expect(monitor.state).toBe('unknown');
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(monitor.state).toBe('up');
    expect(await monitor.ready()).toBe(true);
    expect(lines).toEqual([]);
    monitor.stop();
  });

  it('calls Neo4j lost after two failed checks in a row, not one, with one error line however long it stays away', async () => {
    const { neo4j, probe } = fakeNeo4j();
    const { log, lost, back } = capturedLog();
    const monitor = new Neo4jMonitor(probe, log, options);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    neo4j.mode = 'refusing';
    const before = neo4j.probes;
    await vi.advanceTimersByTimeAsync(1_000 + 10);
    // the first failure is checked again at once, and that second failure settles it
    expect(neo4j.probes - before).toBe(2);
    expect(monitor.state).toBe('down');
    expect(await monitor.ready()).toBe(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(neo4j.probes - before).toBeGreaterThan(20);
    expect(lost()).toHaveLength(1);
    expect(lost()[0].level).toBe(50);
    expect(back()).toHaveLength(0);

    neo4j.mode = 'up';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(monitor.state).toBe('up');
    expect(back()).toHaveLength(1);
    expect(back()[0].level).toBe(30);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lost()).toHaveLength(1);
    expect(back()).toHaveLength(1);
    monitor.stop();
  });

  it('does not call Neo4j lost for one lost answer', async () => {
    const { neo4j, probe } = fakeNeo4j();
    const { log, lines } = capturedLog();
    const monitor = new Neo4jMonitor(probe, log, options);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    neo4j.mode = 'refusing';
    await vi.advanceTimersByTimeAsync(1_000 - 1);
    const probes = neo4j.probes;
    await vi.advanceTimersByTimeAsync(1);
    expect(neo4j.probes).toBe(probes + 1);
    neo4j.mode = 'up';
    await vi.advanceTimersByTimeAsync(0);
    expect(monitor.state).toBe('up');
    expect(lines).toEqual([]);
    monitor.stop();
  });

  it('treats a check that never answers as failed once its timeout passes', async () => {
    const { neo4j, probe } = fakeNeo4j();
    const { log, lost } = capturedLog();
    const monitor = new Neo4jMonitor(probe, log, options);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    neo4j.mode = 'hanging';
    await vi.advanceTimersByTimeAsync(1_000 + 2_000);
    expect(monitor.state).toBe('up');
    await vi.advanceTimersByTimeAsync(2_000 + 10);
    expect(monitor.state).toBe('down');
    expect(lost()).toHaveLength(1);
    expect(lost()[0]).toMatchObject({ reason: 'no answer within 2000 ms' });
    monitor.stop();
  });

  it('answers readiness from a recent check at once, and checks itself (within readyTimeoutMs) when it has none', async () => {
    const { neo4j, probe } = fakeNeo4j();
    const { log } = capturedLog();
    const monitor = new Neo4jMonitor(probe, log, options);
    // never started: no recent check
    neo4j.mode = 'hanging';
    let answer: boolean | undefined;
    void monitor.ready().then((r) => (answer = r));
    await vi.advanceTimersByTimeAsync(799);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toBe(false);

    const fresh = new Neo4jMonitor(fakeNeo4j().probe, log, options);
    fresh.start();
    await vi.advanceTimersByTimeAsync(0);
    const probes = neo4j.probes;
    expect(await fresh.ready()).toBe(true);
    expect(neo4j.probes).toBe(probes);
    fresh.stop();
  });

  it('checks at once when told a query failed as if Neo4j were gone', async () => {
    const { neo4j, probe } = fakeNeo4j();
    const { log } = capturedLog();
    const monitor = new Neo4jMonitor(probe, log, { ...options, intervalMs: 60_000 });
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    neo4j.mode = 'refusing';
    monitor.suspect();
    await vi.advanceTimersByTimeAsync(10);
    expect(monitor.state).toBe('down');
    monitor.stop();
  });

  it('checks nothing once stopped', async () => {
    const { neo4j, probe } = fakeNeo4j();
    const monitor = new Neo4jMonitor(probe, capturedLog().log, options);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    monitor.stop();
    const probes = neo4j.probes;
    monitor.suspect();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(neo4j.probes).toBe(probes);
  });
});
