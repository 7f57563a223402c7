import neo4j from 'neo4j-driver';
import { labelOfId, type Label } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import type { Database } from '../neo4j/database.js';
import { isUnavailable } from '../neo4j/database.js';
import { databaseUnavailable } from '../errors.js';
import type { BundleEdge, BundleNode } from '../bundle/bundleSchema.js';
import { exportedValues } from './exportValues.js';
import { exportQueries, parseSelection, SelectionError, type ResolvedSelection, type Selection } from './selection.js';

export type ExportItem = { kind: 'node'; node: BundleNode } | { kind: 'edge'; edge: BundleEdge };

/** Restricts an export to some labels' nodes and some types' edges (one CSV file at a time). */
export interface ExportPart {
  labels?: Label[];
  types?: string[];
}

const q = (name: string) => `\`${name}\``;

/**
 * Checks a selection and looks up what it names: seeds (their element ids) and the `within` place.
 * Unknown ones are a SelectionError with code NOT_FOUND.
 */
export async function resolveSelection(db: Database, input: Selection | unknown): Promise<ResolvedSelection> {
  const selection = parseSelection(input);
  const missing: Array<{ path: string; message: string }> = [];
  const session = db.driver.session({ database: db.name, defaultAccessMode: neo4j.session.READ });
  try {
    const resolved: ResolvedSelection = { ...selection };
    if (selection.seeds) {
      const byLabel = new Map<Label, string[]>();
      for (const id of selection.seeds) byLabel.set(labelOfId(id)!, [...(byLabel.get(labelOfId(id)!) ?? []), id]);
      const found = new Map<string, string>();
      for (const [label, ids] of byLabel) {
        const result = await session.executeRead((tx) =>
          tx.run(`MATCH (n:${q(label)}) WHERE n.id IN $ids RETURN n.id AS id, elementId(n) AS element`, { ids }),
        );
        for (const r of result.records) found.set(r.get('id'), r.get('element'));
      }
      selection.seeds.forEach((id, i) => {
        if (!found.has(id)) missing.push({ path: `seeds.${i}`, message: `no node has id ${id}` });
      });
      resolved.seedElementIds = selection.seeds.map((id) => found.get(id)!).filter(Boolean);
    }
    if (selection.within) {
      const result = await session.executeRead((tx) => tx.run('MATCH (p:Place {id: $id}) RETURN count(p) AS n', { id: selection.within }));
      if (Number(result.records[0].get('n')) === 0) missing.push({ path: 'within', message: `no place has id ${selection.within}` });
    }
    if (missing.length) throw new SelectionError(missing, 'NOT_FOUND');
    return resolved;
  } catch (error) {
    throw isUnavailable(error) ? databaseUnavailable() : error;
  } finally {
    await session.close();
  }
}

/** How many nodes and edges the export will have (for a progress bar; a second, cheap pass). */
export async function countSubgraph(db: Database, model: GraphModel, selection: ResolvedSelection, part?: ExportPart) {
  const counts = { nodes: 0, edges: 0 };
  const session = db.driver.session({ database: db.name, defaultAccessMode: neo4j.session.READ });
  try {
    for (const query of exportQueries(model, selection, part)) {
      const result = await session.executeRead((tx) => tx.run(query.count, query.params));
      counts[query.kind === 'node' ? 'nodes' : 'edges'] += Number(result.records[0].get('count'));
    }
  } finally {
    await session.close();
  }
  return counts;
}

/**
 * Streams a subgraph out of Neo4j record by record: nodes by label then id, then edges by type, from,
 * to and key, all sorted by Cypher, in one read transaction (so the edges match the nodes). Records are
 * pulled as the consumer asks for them (the driver's flow control), so memory stays flat however big the
 * export; stopping early (a client that hangs up) rolls the transaction back and closes the session.
 */
export async function* streamSubgraph(db: Database, model: GraphModel, selection: ResolvedSelection, part?: ExportPart): AsyncGenerator<ExportItem> {
  const session = db.driver.session({ database: db.name, defaultAccessMode: neo4j.session.READ, fetchSize: 2000 });
  const tx = session.beginTransaction();
  let done = false;
  try {
    for (const query of exportQueries(model, selection, part)) {
      if (query.kind === 'node') {
        const specs = model.nodes.get(query.name as Label)!.properties;
        for await (const record of tx.run(query.cypher, query.params)) {
          yield { kind: 'node', node: { label: query.name as Label, id: record.get('id'), properties: exportedValues(specs, record.get('props')) } };
        }
      } else {
        const specs = model.edges.get(query.name)!.properties;
        for await (const record of tx.run(query.cypher, query.params)) {
          yield { kind: 'edge', edge: { type: query.name, from: record.get('from'), to: record.get('to'), properties: exportedValues(specs, record.get('props')) } };
        }
      }
    }
    await tx.commit();
    done = true;
  } catch (error) {
    throw isUnavailable(error) ? databaseUnavailable() : error;
  } finally {
    if (!done) await tx.rollback().catch(() => {});
    await session.close();
  }
}
