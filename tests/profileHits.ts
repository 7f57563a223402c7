import type { Database } from '../src/neo4j/database.js';

/** The database hits of `cypher` run once under PROFILE: what Neo4j does for it, whatever the machine's load. */
export async function profileHits(db: Database, cypher: string, params: Record<string, unknown> = {}): Promise<number> {
  const profile = await db.read(`PROFILE ${cypher}`, params, { deadline: 'migration' });
  let hits = 0;
  const walk = (plan: { dbHits: number; children: unknown[] }) => {
    hits += Number(plan.dbHits ?? 0);
    for (const child of plan.children) walk(child as typeof plan);
  };
  walk(profile.summary.profile as unknown as { dbHits: number; children: unknown[] });
  return hits;
}
