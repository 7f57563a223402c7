/**
 * The floor of the read benchmark: hand-written Cypher behind an HTTP server as thin as can be. `POST /<workload>`
 * with a JSON object of parameters runs that workload's one query (the best Cypher for it: index order,
 * keyset, pattern comprehensions) and answers `{"data": …}` shaped exactly as claimgraph's GraphQL answer,
 * so the two can be checked equal. Started as a process of its own by readBench.ts; prints `listening <port>`.
 */
import http from 'node:http';
import net from 'node:net';
import neo4j, { type Driver } from 'neo4j-driver';
import { FLOOR_QUERIES } from './readWorkloads.js';

/** Driver values as JSON values (what claimgraph's answers hold). */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (neo4j.isDate(value as object)) return String(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = plain(v);
    return out;
  }
  return value;
}

/** JSON parameters to driver values: whole numbers to integers, `{date: "…"}` to dates. */
function params(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = typeof v === 'number' && Number.isInteger(v) ? neo4j.int(v) : v;
  return out;
}

// TCP_NODELAY on the driver's sockets, as claimgraph sets it (src/neo4j/boltSockets.ts): the floor must
// not pay Nagle's 40 ms on its longer queries either.
const setKeepAlive = net.Socket.prototype.setKeepAlive;
net.Socket.prototype.setKeepAlive = function (this: net.Socket, ...args: Parameters<net.Socket['setKeepAlive']>) {
  this.setNoDelay(true);
  return setKeepAlive.apply(this, args);
};

const driver: Driver = neo4j.driver(process.env.NEO4J_URI!, neo4j.auth.basic(process.env.NEO4J_USER!, process.env.NEO4J_PASSWORD!), {
  disableLosslessIntegers: false,
  maxConnectionPoolSize: 100,
});

const server = http.createServer((req, res) => {
  const name = (req.url ?? '').slice(1);
  const cypher = FLOOR_QUERIES[name];
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    if (!cypher) {
      res.writeHead(404).end();
      return;
    }
    try {
      const result = await driver.executeQuery(cypher, params(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')), {
        routing: neo4j.routing.READ,
        database: 'neo4j',
      });
      const body = JSON.stringify({ data: plain(result.records[0].get('data')) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
// A normal exit on SIGTERM, so that a profile asked for with BENCH_NODE_ARGS is written.
process.on('SIGTERM', () => process.exit(0));
