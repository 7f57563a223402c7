import type { Database } from './database.js';

/**
 * How many records an import must create before the planner's statistics are refreshed after it. Below
 * this, Neo4j's own background sampling keeps up; above it, plans cached while the graph was small (a label
 * scan and a sort where the grown graph wants an index read in order) would outlive the load until Neo4j
 * next samples its indexes.
 */
export const REFRESH_AFTER_RECORDS = 1_000;

/**
 * Brings Neo4j's planner up to date with the graph after a bulk load: resamples the indexes the load made
 * outdated, waits for that, and empties the query-plan cache, so the next read is planned against the
 * graph as it is now (`db.prepareForReplanning`). Best effort: a user who may not call the procedure (it
 * needs an admin role on a managed Neo4j) keeps Neo4j's own, later replanning; the load itself stands.
 * Returns whether the refresh ran.
 */
export async function refreshPlannerStatistics(db: Database): Promise<boolean> {
  try {
    await db.autoCommit('CALL db.prepareForReplanning()', {}, { deadline: 'migration' });
    return true;
  } catch {
    return false;
  }
}
