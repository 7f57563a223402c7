import { afterEach, expect, it, inject } from 'vitest';
import net from 'node:net';
import { connectTestDatabase } from '../harness.js';

/**
 * Bolt sockets have Nagle's algorithm off: without it, a query longer than the driver's 1,400-byte chunk
 * (most nested selections) waited about 40 ms for Neo4j's delayed acknowledgement on every request. Checked
 * on the socket itself, not by timing: every connection the driver opens to Neo4j gets TCP_NODELAY.
 */

const original = net.Socket.prototype.setNoDelay;
afterEach(() => {
  net.Socket.prototype.setNoDelay = original;
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
