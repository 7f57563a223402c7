import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { connectNeo4j } from '../neo4j/connectNeo4j.js';
import { buildSchema } from '../schema.js';
import { graphModelOf } from '../model/graphModel.js';
import { loadSample } from '../sample/loadSample.js';

/** `npm run seed`: loads the Kupyansk sample on demand; loading it again changes nothing. */
const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const neo4j = await connectNeo4j(config, log);
try {
  const summary = await loadSample(neo4j.db, graphModelOf(buildSchema()));
  console.log(
    `sample loaded: ${summary.nodesCreated} nodes created, ${summary.nodesUpdated} updated; ` +
      `${summary.edgesCreated} edges created, ${summary.edgesUpdated} updated`,
  );
} finally {
  await neo4j.close();
}
