import { Neo4jError } from 'neo4j-driver';
import { LABELS, type Label } from '../ids.js';
import type { Database } from './database.js';
import { CHANGELOG_MIGRATIONS } from '../changelog/changeLogSchema.js';

/**
 * The stored properties behind each sortable field (every `<Label>OrderField` but ID and DISTANCE; a partial
 * date sorts by its Start, then End). Each gets a composite index ending in the id, so a page in any of
 * these orders, ties broken by id, is read from the index in order (src/planner/orderSegments.ts).
 */
export const ORDER_FIELDS: Record<Label, ReadonlyArray<readonly string[]>> = {
  Actor: [['kind'], ['name'], ['side']],
  Unit: [['name'], ['echelon'], ['side']],
  Place: [['kind'], ['name'], ['areaKm2']],
  Statement: [['kind'], ['statedAtStart', 'statedAtEnd'], ['validFromStart', 'validFromEnd'], ['credibility'], ['marking']],
  Source: [['kind'], ['title'], ['publishedAtStart', 'publishedAtEnd'], ['language'], ['reliability'], ['marking']],
};

const orderIndexes = () =>
  LABELS.flatMap((label) =>
    [['createdAt'], ['updatedAt'], ...ORDER_FIELDS[label]].map(
      (props) =>
        `CREATE INDEX ${label.toLowerCase()}_${props[0]}_order IF NOT EXISTS FOR (n:${label}) ON (${[...props, 'id'].map((p) => `n.${p}`).join(', ')})`,
    ),
  );

/**
 * The schema Neo4j keeps for claimgraph, applied idempotently at every start: ids unique per label,
 * name and date indexes for filters and sorting, a full-text index over names, aliases and statement text
 * (ASCII-folding, so Kupiansk finds Kupiansk and Kupiánsk alike), a point index for distance queries, and
 * the change log's id constraint and history indexes, and the API keys' constraints (a key is found by its
 * hash on every request; names are unique because the change log records them).
 */
export const MIGRATIONS: readonly string[] = [
  ...LABELS.map((l) => `CREATE CONSTRAINT ${l.toLowerCase()}_id_unique IF NOT EXISTS FOR (n:${l}) REQUIRE n.id IS UNIQUE`),
  ...['Actor', 'Unit', 'Place'].map((l) => `CREATE INDEX ${l.toLowerCase()}_name IF NOT EXISTS FOR (n:${l}) ON (n.name)`),
  'CREATE INDEX source_title IF NOT EXISTS FOR (n:Source) ON (n.title)',
  'CREATE INDEX statement_stated_at IF NOT EXISTS FOR (n:Statement) ON (n.statedAtStart, n.statedAtEnd)',
  'CREATE INDEX statement_kind IF NOT EXISTS FOR (n:Statement) ON (n.kind)',
  ...orderIndexes(),
  'CREATE POINT INDEX place_location IF NOT EXISTS FOR (n:Place) ON (n.location)',
  `CREATE FULLTEXT INDEX claimgraph_text IF NOT EXISTS
   FOR (n:Actor|Unit|Place|Statement|Source) ON EACH [n.name, n.aliases, n.text, n.title]
   OPTIONS {indexConfig: {\`fulltext.analyzer\`: 'standard-folding'}}`,
  ...CHANGELOG_MIGRATIONS,
  'CREATE CONSTRAINT api_key_name_unique IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.name IS UNIQUE',
  'CREATE CONSTRAINT api_key_hash_unique IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.hash IS UNIQUE',
];

/**
 * Two servers of a fleet starting at once both run the migrations: IF NOT EXISTS does not stop the second
 * of two concurrent CREATE INDEX from failing with this code, once the first has made the very same index.
 * What the statement asks for then exists, which is all it asks.
 */
const MADE_MEANWHILE = 'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists';

export async function migrate(db: Database): Promise<void> {
  // Schema changes wait for index population: their own deadline, longer than a query's.
  for (const statement of MIGRATIONS) {
    try {
      await db.write(statement, {}, { deadline: 'migration' });
    } catch (error) {
      if (!(error instanceof Neo4jError && error.code === MADE_MEANWHILE)) throw error;
    }
  }
  await db.write('CALL db.awaitIndexes(300)', {}, { deadline: 'migration' });
}
