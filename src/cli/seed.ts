import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../config.js';
import { destination, pino } from 'pino';
import { connectNeo4j } from '../neo4j/connectNeo4j.js';
import { buildSchema } from '../schema.js';
import { graphModelOf } from '../model/graphModel.js';
import { loadSample } from '../sample/loadSample.js';

/**
 * `claimgraph seed` (`npm run seed`): loads the Kupyansk sample on demand; loading it again changes nothing.
 * Exit codes: 0 loaded, 1 failed, 2 usage.
 */

const USAGE = `usage: claimgraph seed [--help]

Loads the Kupyansk sample (src/sample/kupyansk.json) into the database; loading it again changes
nothing. Connects to NEO4J_URI (with NEO4J_USER or NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE),
or to claimgraph's own Neo4j in CLAIMGRAPH_DATA_DIR when NEO4J_URI is unset (to the one a running
claimgraph server holds, if there is one).

Exit codes: 0 loaded, 1 failed, 2 usage.`;

const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

let values;
try {
  ({ values } = parseArgs({ allowPositionals: false, options: { help: { type: 'boolean', default: false } } }));
} catch (error) {
  process.stderr.write(`seed: ${(error as Error).message}\n\n${USAGE}\n`);
  process.exit(EXIT.USAGE);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(EXIT.OK);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`seed: ${error.message}\n`);
  process.exit(EXIT.FAILED);
}
// Logs go to stderr, as the other commands' do: stdout carries the summary only.
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'claimgraph-seed' } }, destination(2));
let exitCode: number = EXIT.OK;
let neo4j: Awaited<ReturnType<typeof connectNeo4j>> | null = null;
try {
  neo4j = await connectNeo4j(config, log);
  const summary = await loadSample(neo4j.db, graphModelOf(buildSchema()));
  console.log(
    `sample loaded: ${summary.nodesCreated} nodes created, ${summary.nodesUpdated} updated; ` +
      `${summary.edgesCreated} edges created, ${summary.edgesUpdated} updated`,
  );
} catch (error) {
  process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = EXIT.FAILED;
} finally {
  await neo4j?.close().catch(() => {});
}
process.exit(exitCode);
