import { readFileSync } from 'node:fs';
import type { GraphModel } from '../model/graphModel.js';
import type { Database } from '../neo4j/database.js';
import { importBundle, type ImportSummary } from '../bundle/importBundle.js';

/** The Kupyansk report of December 2024, modelled claim by claim: claimgraph's sample data. */
export const SAMPLE_BUNDLE_PATH = new URL('./kupyansk.json', import.meta.url);

export function readSampleBundle(): unknown {
  return JSON.parse(readFileSync(SAMPLE_BUNDLE_PATH, 'utf8'));
}

export function loadSample(db: Database, model: GraphModel): Promise<ImportSummary> {
  return importBundle(db, model, readSampleBundle());
}

/** True when the database holds no claimgraph node yet. */
export async function isEmpty(db: Database): Promise<boolean> {
  const result = await db.read('MATCH (n) WHERE n:Actor OR n:Unit OR n:Place OR n:Statement OR n:Source RETURN count(n) > 0 AS any');
  return !result.records[0].get('any');
}
