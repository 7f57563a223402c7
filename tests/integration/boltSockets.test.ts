import { afterEach, expect, it, inject } from 'vitest';
import net from 'node:net';
import { connectTestDatabase } from '../harness.js';

/**
 * Bolt sockets have Nagle's algorithm off: without it, a query longer than the driver's 1,400-byte chunk
 * (most nested selections) waited about 40 ms for Neo4j's delayed acknowledgement on every request. And what
 * the driver writes in one tick leaves in one write call, not one per chunk. Checked on the socket itself,
 * not by timing (src/neo4j/boltSockets.ts).
 */

const original = net.Socket.prototype.setNoDelay;
const { _write, _writev } = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
afterEach(() => {
  net.Socket.prototype.setNoDelay = original;
  Object.assign(net.Socket.prototype, { _write, _writev });
});

it('every connection the driver opens to Neo4j has TCP_NODELAY set', async () => {
  const boltPort = Number(new URL(inject('neo4j').uri.replace(/^[a-z+]+:/, 'http:')).port);
  const noDelay = new Map<net.Socket, boolean>();
  net.Socket.prototype.setNoDelay = function (this: net.Socket, value?: boolean) {
    noDelay.set(this, value ?? true);
    return original.call(this, value);
  };
  const db = connectTestDatabase();
  try {
    // Several at once, so the pool opens several connections.
    const long = `RETURN '${'x'.repeat(3000)}' AS text`;
    await Promise.all([db.read(long), db.read(long), db.read('RETURN 1')]);
    const bolt = [...noDelay].filter(([socket]) => socket.remotePort === boltPort);
    expect(bolt.length).toBeGreaterThan(0);
    expect(bolt.every(([, value]) => value)).toBe(true);
  } finally {
    await db.close();
  }
});

it("a query of several 1,400-byte chunks leaves the socket in one write call", async () => {
  const boltPort = Number(new URL(inject('neo4j').uri.replace(/^[a-z+]+:/, 'http:')).port);
  const db = connectTestDatabase();
  try {
    await db.read('RETURN 1'); // the connection is open (and authenticated) before writes are counted
    const calls: string[] = [];
    const count = (name: string, real: (...args: unknown[]) => unknown) =>
      function (this: net.Socket, ...args: unknown[]) {
        if (this.remotePort === boltPort) calls.push(name);
        return real.apply(this, args);
      };
    Object.assign(net.Socket.prototype, { _write: count('write', _write), _writev: count('writev', _writev) });
    const text = 'x'.repeat(6000);
    const result = await db.read(`RETURN $text + '${'y'.repeat(3000)}' AS text`, { text });
    expect(String(result.records[0].get('text'))).toHaveLength(9000);
    // About seven chunks of query and parameters: one call (writev when there are several buffers).
    expect(calls).toEqual(['writev']);
  } finally {
    await db.close();
  }
});
