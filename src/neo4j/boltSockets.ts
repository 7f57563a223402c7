import net from 'node:net';

let installed = false;

/**
 * Tunes the sockets neo4j-driver opens; the driver has no settings for either of these, and sets
 * keep-alive on each socket it makes as its last step, so that call is where they are added.
 *
 * - TCP_NODELAY. The driver writes a Bolt message in 1,400-byte chunks and leaves Nagle on. A query whose
 *   Cypher is longer than a chunk — most nested GraphQL selections print 2–4 KB — went out as two writes;
 *   the second waited for Neo4j to acknowledge the first, and Neo4j delays that acknowledgement (about
 *   40 ms on Linux) because it has nothing to answer yet. Every such request paid those 40 ms: a nested page
 *   took 60 ms where Neo4j needed 7.
 * - One write per message. Each 1,400-byte chunk was a write call of its own: an import batch of a few
 *   megabytes made thousands, about a sixth of the importer's CPU. The socket is corked at the first
 *   write of a tick and uncorked on the next, so what the driver wrote in between leaves as one writev.
 *
 * Other sockets that ask for keep-alive (HTTP agents) get both too, which is what Node's HTTP client and
 * server already do for themselves.
 */
export function tuneBoltSockets(): void {
  if (installed) return;
  installed = true;
  const setKeepAlive = net.Socket.prototype.setKeepAlive;
  net.Socket.prototype.setKeepAlive = function (this: net.Socket, ...args: Parameters<net.Socket['setKeepAlive']>) {
    this.setNoDelay(true);
    if (!corked.has(this)) {
      corked.add(this);
      const write = this.write;
      const uncork = () => this.uncork();
      this.write = function (this: net.Socket, ...writeArgs: unknown[]) {
        if (!this.writableCorked) {
          this.cork();
          process.nextTick(uncork);
        }
        return (write as (...a: unknown[]) => boolean).apply(this, writeArgs);
      } as net.Socket['write'];
    }
    return setKeepAlive.apply(this, args);
  };
}

const corked = new WeakSet<net.Socket>();
