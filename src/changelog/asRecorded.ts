import neo4j from 'neo4j-driver';
import type { Context } from '../context.js';
import { requireLabelOfId } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import { changeFromStored, nodeLabelEnum, type RecordedChange } from './changeLog.js';
import { canonical, type Properties } from './propertyValues.js';
import { CHANGES_OF, READ_CHANGES } from './history.js';
import { changeVisible, idVisible } from './changeVisibility.js';
import { Visibility } from '../auth/visibility.js';

/**
 * What claimgraph recorded about a node at a past time: the node and its relationships as they are now,
 * with every change recorded after that time undone, newest first (an UPDATE puts back each property's
 * `before`, a CREATE means it did not exist yet, a DELETE brings it back, LINK / UNLINK remove and restore
 * relationships). Undoing from the present, rather than replaying from the start, gives the right answer
 * for data written before the log existed too, as long as nothing since was written unlogged.
 */

export type RecordedEdge = {
  type: string;
  from: string;
  to: string;
  properties: Properties;
};

export type RecordedState = {
  nodeId: string;
  label: string;
  at: string;
  exists: boolean;
  properties: Properties | null;
  edges: RecordedEdge[];
  lastChange: RecordedChange | null;
};

const edgeIdentity = (e: { type: string; from: string; to: string }, key: string | null) => `${e.type}|${e.from}|${e.to}|${key ?? ''}`;

function restore(values: Properties, changes: RecordedChange['changes']): void {
  for (const c of changes) {
    if (c.before === null || c.before === undefined) delete values[c.property];
    else values[c.property] = c.before;
  }
}

export async function fetchAsRecorded(ctx: Context, model: GraphModel, id: string, at: Date): Promise<RecordedState | null> {
  const label = requireLabelOfId(id, 'id');
  const specs = model.nodes.get(label)!.properties;
  const visibility = Visibility.of(ctx.principal);
  const params = { id, ...visibility.params() };
  // A node the principal may not see was never recorded for it (null); relationships to nodes it may not
  // see, and the changes about them, are left out (so they are neither shown nor undone).
  const nodeVisible = idVisible('$id', visibility);
  const otherVisible = visibility.predicate('o', null);
  const changeShown = changeVisible('c', '$id', visibility);
  const { visible, node, edges, later, last } = await ctx.db.readTransaction(async (tx) => {
    if (nodeVisible && (await tx.run(`RETURN ${nodeVisible} AS visible`, params)).records[0].get('visible') !== true) {
      return { visible: false, node: undefined, edges: [], later: [], last: null };
    }
    const nodeResult = await tx.run(`MATCH (n:\`${label}\` {id: $id}) RETURN properties(n) AS p`, params);
    const edgeResult = await tx.run(
      `MATCH (n:\`${label}\` {id: $id})-[r]-(o)${otherVisible ? ` WHERE ${otherVisible}` : ''}
       RETURN type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, properties(r) AS p`,
      params,
    );
    const shown = changeShown ? ` AND ${changeShown}` : '';
    const changeResult = await tx.run(
      `CALL { ${CHANGES_OF} WITH c WHERE c.at > $at${shown} ${READ_CHANGES} RETURN collect(change) AS later }
       CALL { ${CHANGES_OF} WITH c WHERE c.at <= $at${shown} WITH c ORDER BY c.at DESC, c.id DESC LIMIT 1 ${READ_CHANGES} RETURN collect(change) AS last }
       RETURN later, last[0] AS last`,
      { ...params, at: neo4j.types.DateTime.fromStandardDate(at) },
    );
    const record = changeResult.records[0];
    return {
      visible: true,
      node: nodeResult.records[0]?.get('p') as Properties | undefined,
      edges: edgeResult.records.map((r) => ({ type: r.get('type') as string, from: r.get('from') as string, to: r.get('to') as string, p: r.get('p') as Properties })),
      later: record.get('later') as Array<Record<string, unknown>>,
      last: record.get('last') as Record<string, unknown> | null,
    };
  });
  // Never recorded (for this principal): no node and nothing in the log.
  if (!visible || (!node && !last && !later.length)) return null;

  let properties: Properties | null = node ? canonical(specs, node) : null;
  const current = new Map<string, RecordedEdge>();
  for (const e of edges) {
    const edgeModel = model.edges.get(e.type);
    const props = edgeModel ? canonical(edgeModel.properties, e.p) : {};
    const key = edgeModel?.key && props[edgeModel.key] != null ? String(props[edgeModel.key]) : null;
    current.set(edgeIdentity(e, key), { type: e.type, from: e.from, to: e.to, properties: props });
  }
  const undo = later.map(changeFromStored).sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
  let sawLifecycle = false;
  for (const change of undo) {
    if (change.edge) {
      const identity = edgeIdentity(change.edge, change.edge.key);
      if (change.op === 'LINK') current.delete(identity);
      else {
        const restored = current.get(identity)?.properties ?? {};
        restore(restored, change.changes);
        current.set(identity, { type: change.edge.type, from: change.edge.from, to: change.edge.to, properties: restored });
      }
    } else if (change.entityId === id) {
      if (change.op === 'CREATE') {
        properties = null;
        sawLifecycle = true;
      } else if (change.op === 'DELETE') {
        properties = {};
        restore(properties, change.changes);
        sawLifecycle = true;
      } else {
        properties ??= {};
        restore(properties, change.changes);
      }
    }
  }
  // Created after `at` by a write the log never saw (e.g. before the log existed).
  if (!sawLifecycle && node && node.createdAt && new Date(String(node.createdAt)) > at) properties = null;
  const exists = properties !== null;
  return {
    nodeId: id,
    label: nodeLabelEnum(label),
    at: at.toISOString(),
    exists,
    properties,
    edges: exists ? [...current.values()] : [],
    lastChange: last ? changeFromStored(last) : null,
  };
}
