import { labelOfId, type Label } from '../ids.js';
import { Visibility } from '../auth/visibility.js';
import type { GraphModel } from '../model/graphModel.js';
import type { Database, Deadline } from '../neo4j/database.js';
import type { BundleEdge, BundleNode } from '../bundle/bundleSchema.js';
import type { Principal } from '../auth/principal.js';
import { exportedValues } from './exportValues.js';
import { closureQuery, exportQueries, hasClosure, parseSelection, SelectionError, type ResolvedSelection, type Selection } from './selection.js';

export type ExportItem = { kind: 'node'; node: BundleNode } | { kind: 'edge'; edge: BundleEdge };

/** Restricts an export to some labels' nodes and some types' edges (one CSV file at a time). */
export interface ExportPart {
  labels?: Label[];
  types?: string[];
}

const q = (name: string) => `\`${name}\``;

/**
 * Checks a selection and looks up what it names for `principal`: seeds (their element ids) and the `within`
 * place. Unknown ones, and seeds the principal may not see, are a SelectionError with code NOT_FOUND. The
 * export then keeps to what the principal may see.
 */
export async function resolveSelection(db: Database, input: Selection | unknown, principal: Principal, deadline: Deadline = 'export'): Promise<ResolvedSelection> {
  const selection = parseSelection(input);
  const missing: Array<{ path: string; message: string }> = [];
  const visibility = Visibility.of(principal);
  const resolved: ResolvedSelection = { ...selection, visibility };
  if (selection.seeds) {
    const byLabel = new Map<Label, string[]>();
    for (const id of selection.seeds) byLabel.set(labelOfId(id)!, [...(byLabel.get(labelOfId(id)!) ?? []), id]);
    const found = new Map<string, string>();
    for (const [label, ids] of byLabel) {
      const visible = visibility.predicate('n', [label]);
      const result = await db.read(
        `MATCH (n:${q(label)}) WHERE n.id IN $ids${visible ? ` AND ${visible}` : ''} RETURN n.id AS id, elementId(n) AS element`,
        { ids, ...visibility.params() },
        { deadline },
      );
      for (const r of result.records) found.set(r.get('id'), r.get('element'));
    }
    selection.seeds.forEach((id, i) => {
      if (!found.has(id)) missing.push({ path: `seeds.${i}`, message: `no node has id ${id}` });
    });
    resolved.seedElementIds = selection.seeds.map((id) => found.get(id)!).filter(Boolean);
  }
  if (selection.within) {
    const result = await db.read('MATCH (p:Place {id: $id}) RETURN count(p) AS n', { id: selection.within }, { deadline });
    if (Number(result.records[0].get('n')) === 0) missing.push({ path: 'within', message: `no place has id ${selection.within}` });
  }
  if (missing.length) throw new SelectionError(missing, 'NOT_FOUND');
  return resolved;
}

/**
 * Plans the closure of a selection once (closureQuery): the nodes of its export, as the selection's
 * principal sees the graph, kept on the selection so that its counts, its CSV check and each of its CSV
 * files hold the same nodes. Does nothing for a selection without a closure, or one already planned.
 */
export async function planClosure(db: Database, model: GraphModel, selection: ResolvedSelection, deadline: Deadline = 'export'): Promise<void> {
  if (!hasClosure(selection) || selection.exportedElementIds) return;
  const { cypher, params } = closureQuery(model, selection);
  const result = await db.read(cypher, params, { deadline });
  selection.exportedElementIds = result.records.map((r) => r.get('element') as string);
}

/** How many nodes and edges the export will have (for a progress bar; a second, cheap pass). */
export async function countSubgraph(db: Database, model: GraphModel, selection: ResolvedSelection, part?: ExportPart) {
  await planClosure(db, model, selection);
  const counts = { nodes: 0, edges: 0 };
  for (const query of exportQueries(model, selection, part)) {
    const result = await db.read(query.count, query.params, { deadline: 'export' });
    counts[query.kind === 'node' ? 'nodes' : 'edges'] += Number(result.records[0].get('count'));
  }
  return counts;
}

/**
 * Streams a subgraph out of Neo4j record by record: nodes by label then id, then edges by type, from,
 * to and key, all sorted by Cypher, in one read transaction (so the edges match the nodes) under the
 * export deadline. Records are pulled as the consumer asks for them (the driver's flow control), so memory
 * stays flat however big the export; stopping early (a client that hangs up) rolls the transaction back.
 */
export function streamSubgraph(
  db: Database,
  model: GraphModel,
  selection: ResolvedSelection,
  part?: ExportPart,
  deadline: Deadline = 'export',
): AsyncGenerator<ExportItem> {
  return db.stream<ExportItem>(
    async function* (tx) {
      if (hasClosure(selection) && !selection.exportedElementIds) {
        // Planned in the export's own transaction, so that the nodes and the edges match.
        const { cypher, params } = closureQuery(model, selection);
        selection.exportedElementIds = (await tx.run(cypher, params)).records.map((r) => r.get('element') as string);
      }
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
    },
    { deadline, fetchSize: 2000, metadata: { via: 'export' } },
  );
}
