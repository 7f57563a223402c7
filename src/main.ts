import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { connectNeo4j } from './neo4j/connectNeo4j.js';
import { Neo4jPrerequisiteError } from './neo4j/ownNeo4j.js';
import { StoreInUseError } from './neo4j/storeLock.js';
import { buildSchema } from './schema.js';
import { graphModelOf } from './model/graphModel.js';
import { isEmpty, loadSample } from './sample/loadSample.js';
import { startServer } from './server.js';
import { listApiKeys } from './auth/apiKeys.js';

/**
 * The server (`npm run dev` runs this file with tsx, `npm start` and `claimgraph serve` its compiled form):
 * Neo4j (ours or the user's), migrations, the sample data into an empty database, the API.
 */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const neo4j = await connectNeo4j(config, log, { role: 'server' });
  log.info({ uri: neo4j.uri, own: neo4j.own }, 'Neo4j ready');

  const schema = buildSchema();
  if (config.CLAIMGRAPH_SEED === 'auto' && (await isEmpty(neo4j.db))) {
    const summary = await loadSample(neo4j.db, graphModelOf(schema));
    log.info(summary, 'loaded the Kupyansk sample into the empty database');
  }

  if (config.CLAIMGRAPH_ANONYMOUS === 'none' && !config.CLAIMGRAPH_JWT_JWKS_URL && !config.CLAIMGRAPH_JWT_PUBLIC_KEY) {
    // A fresh install in production would otherwise refuse everything without saying why.
    const keys = await listApiKeys(neo4j.db);
    if (!keys.some((k) => !k.revokedAt)) {
      log.warn('no API key exists and anonymous access is off, so every request will be refused: create one with `npx claimgraph keys create --name admin --role admin --clearance RED` (it may run while the server does: with claimgraph’s own Neo4j it uses the server’s)');
    }
  }

  const server = await startServer({
    db: neo4j.db,
    log,
    config,
    development: config.NODE_ENV !== 'production',
    schema,
    host: config.HOST,
    port: config.PORT,
  });
  const urls = {
    url: server.url,
    health: server.url.replace(/graphql$/, 'health'),
    explorer: server.url.replace(/graphql$/, ''),
    graphiql: server.url.replace(/graphql$/, 'graphiql'),
  };
  // The start-up line is a log line like any other (log collectors and scripts read it); a person at a
  // terminal also gets the URLs as plain text.
  log.info(urls, `claimgraph is serving at ${urls.url}`);
  if (process.stdout.isTTY) {
    console.log(`claimgraph is serving at ${urls.url} (health: ${urls.health})`);
    console.log(`explorer: ${urls.explorer} (GraphiQL: ${urls.graphiql})`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining HTTP, closing the driver, stopping Neo4j');
    await server.stop();
    await neo4j.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof Neo4jPrerequisiteError || error instanceof StoreInUseError) {
    console.error(error.message);
  } else {
    console.error('claimgraph could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
