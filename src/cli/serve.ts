import { parseArgs } from 'node:util';

/**
 * `claimgraph serve` (what `npm start` runs): the API and the explorer, configured by the environment.
 * Exit codes: 0 stopped by SIGINT or SIGTERM, 1 could not start, 2 usage.
 */

const USAGE = `usage: claimgraph serve [--help]

Serves the GraphQL API (/graphql), export and import (/export, /import), health (/health) and the
explorer (/), configured by the environment: PORT and HOST (default 127.0.0.1:4000), NODE_ENV,
LOG_LEVEL, and NEO4J_URI with NEO4J_USER (or NEO4J_USERNAME), NEO4J_PASSWORD and NEO4J_DATABASE;
without NEO4J_URI, claimgraph starts its own Neo4j with its store in CLAIMGRAPH_DATA_DIR (default
neo4j/data). An empty database gets the Kupyansk sample (CLAIMGRAPH_SEED=never: it does not).
Logs are JSON lines on stdout; the line "claimgraph is serving at <url>" says where it listens.
SIGINT or SIGTERM drains HTTP, closes the driver and stops claimgraph's own Neo4j.

Exit codes: 0 stopped by SIGINT or SIGTERM, 1 could not start, 2 usage.`;

const EXIT = { OK: 0, USAGE: 2 } as const;

let values;
try {
  ({ values } = parseArgs({ allowPositionals: false, options: { help: { type: 'boolean', default: false } } }));
} catch (error) {
  process.stderr.write(`serve: ${(error as Error).message}\n\n${USAGE}\n`);
  process.exit(EXIT.USAGE);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(EXIT.OK);
}
// The server itself: main.ts starts it when loaded, and exits 1 when it cannot start.
await import('../main.js');
