/**
 * One import in a process of its own, for the import benchmark's memory figure: imports the NDJSON file
 * given into NEO4J_URI and prints its peak resident memory (`peakMiB=…`).
 */
import { Database } from '../../src/neo4j/database.js';
import { migrate } from '../../src/neo4j/migrations.js';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import { importRecords } from '../../src/bundle/importBundle.js';
import { recordFileSource } from '../../src/bundle/importSources.js';

const db = Database.connect({ uri: process.env.NEO4J_URI!, user: process.env.NEO4J_USER!, password: process.env.NEO4J_PASSWORD!, database: 'neo4j' });
try {
  await migrate(db);
  await importRecords(db, graphModelOf(buildSchema()), recordFileSource(process.argv[2], 'ndjson'), { who: 'bench' });
  console.log(`peakMiB=${Math.round(process.resourceUsage().maxRSS / 1024)}`);
} finally {
  await db.close();
}
