import net from 'node:net';

let installed = false;

/**
 * Turns Nagle's algorithm off for the sockets neo4j-driver opens (TCP_NODELAY).
 *
 * The driver writes a Bolt message in 1,400-byte chunks and leaves Nagle on. A query whose Cypher is longer
 * than a chunk — most nested GraphQL selections print 2–4 KB — goes out as two writes; the second waits for
 * Neo4j to acknowledge the first, and Neo4j delays that acknowledgement (about 40 ms on Linux) because it
 * has nothing to answer yet. Every such request paid those 40 ms: a nested page took 60 ms where Neo4j
 * needed 7. The driver has no setting for it, and sets keep-alive on each socket it makes as its last
 * step, so that call is where TCP_NODELAY is added. Other sockets that ask for keep-alive (HTTP agents)
 * get it too, which is what Node's HTTP client and server already do by default.
 */
export function disableNagleForBolt(): void {
  if (installed) return;
  installed = true;
  const setKeepAlive = net.Socket.prototype.setKeepAlive;
  net.Socket.prototype.setKeepAlive = function (this: net.Socket, ...args: Parameters<net.Socket['setKeepAlive']>) {
    this.setNoDelay(true);
    return setKeepAlive.apply(this, args);
  };
}
