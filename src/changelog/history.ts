import neo4j from 'neo4j-driver';
import type { Context } from '../context.js';
import { requireLabelOfId } from '../ids.js';
import { pageOf } from '../planner/plan.js';
import { encodeCursor } from '../planner/cursor.js';
import { changeFromStored, type RecordedChange } from './changeLog.js';
import { changeVisible, idVisible } from './changeVisibility.js';
import { Visibility } from '../auth/visibility.js';

/**
 * A node's history: its changes and those of its relationships (either direction), in order of record,
 * as a Relay connection with keyset cursors on (at, id). Two index seeks (entityId, relatedId) and a
 * full-text look-up of change sets (CHANGES_OF), whose union is sorted and cut to the page; the count is a
 * separate subquery, and only the page's entries are read whole.
 */

export interface HistoryArgs {
  id: string;
  first?: number | null;
  after?: string | null;
  direction?: 'ASC' | 'DESC' | null;
}

/** A change-set list's entry, '' standing for none (property lists hold no nulls). */
const orNull = (entry: string) => `CASE ${entry} WHEN '' THEN null ELSE ${entry} END`;
/** The id of entry `i` of a set: as a Change node's would be (changeLog.ts). */
const entryId = (transactionId: string, first: string, i: string) => `${transactionId} + '-' + right('00000' + toString(${first} + ${i}), 6)`;
/** What CHANGES_OF keeps of a Change node `n`. */
const ofChangeNode = (n: string) => `{id: ${n}.id, at: ${n}.at, entityId: ${n}.entityId, edgeType: ${n}.edgeType, edgeTo: ${n}.edgeTo, change: ${n}, set: null, i: null}`;

/**
 * Every change about a node, as a subquery binding `c` to what ordering, paging and visibility need of it
 * (id, at, entityId, edgeType, edgeTo) and where it is stored: a Change node (`c.change`), or entry `c.i`
 * of an import's ChangeSet (`c.set`, changeLog.ts). READ_CHANGES reads the rows kept whole: a change set's
 * lists are read whole, so a count or a sort over a busy node's entries must not read them. Change nodes
 * are found by index seeks on entityId and relatedId; change sets by the full-text index of the ids they are
 * about (one whitespace token per id; the quoted id is one term), then the set's entries about the node.
 */
export const CHANGES_OF = `CALL {
  MATCH (n:Change) WHERE n.entityId = $id RETURN ${ofChangeNode('n')} AS c
  UNION
  MATCH (n:Change) WHERE n.relatedId = $id RETURN ${ofChangeNode('n')} AS c
  UNION
  CALL db.index.fulltext.queryNodes('change_set_ids', '"' + $id + '"') YIELD node AS s
  WITH s, s.entityIds AS entityIds, s.relatedIds AS relatedIds, s.edgeTypes AS edgeTypes
  UNWIND [i IN range(0, size(entityIds) - 1) WHERE entityIds[i] = $id OR relatedIds[i] = $id] AS i
  RETURN {id: ${entryId('s.transactionId', 's.first', 'i')}, at: s.at, entityId: entityIds[i], edgeType: ${orNull('edgeTypes[i]')},
          edgeTo: ${orNull('relatedIds[i]')}, change: null, set: s, i: i} AS c
}`;

/**
 * Cypher, after rows binding `c` as CHANGES_OF does: each row's whole stored change, as a map of a Change
 * node's properties, bound to \`change\` (with \`c\` kept). A set's lists are read once for all its rows,
 * not once per row; the rows' order is not kept.
 */
export const READ_CHANGES = `WITH c.set AS s, collect(c) AS rows
  WITH rows, s.transactionId AS transactionId, s.first AS first, s.at AS at, s.who AS who, s.via AS via, s.ops AS ops,
       s.entityIds AS entityIds, s.relatedIds AS relatedIds, s.edgeTypes AS edgeTypes, s.edgeKeys AS edgeKeys,
       s.markings AS markings, s.changes AS changes
  UNWIND rows AS c
  WITH c, CASE WHEN c.change IS NOT NULL THEN properties(c.change) ELSE
    {id: ${entryId('transactionId', 'first', 'c.i')}, at: at, who: who, via: via, transactionId: transactionId, op: ops[c.i],
     entityId: entityIds[c.i], relatedId: ${orNull('relatedIds[c.i]')}, edgeType: ${orNull('edgeTypes[c.i]')},
     edgeFrom: CASE edgeTypes[c.i] WHEN '' THEN null ELSE entityIds[c.i] END, edgeTo: ${orNull('relatedIds[c.i]')},
     edgeKey: ${orNull('edgeKeys[c.i]')}, marking: ${orNull('markings[c.i]')}, changes: changes[c.i]} END AS change`;

export async function fetchHistory(ctx: Context, args: HistoryArgs) {
  requireLabelOfId(args.id, 'id');
  const direction = args.direction === 'DESC' ? 'DESC' : 'ASC';
  const ordering = `change.at.${direction}`;
  const { first, after } = pageOf(args, ['dateTime', 'string'], 'Query.history', ordering);
  const cmp = direction === 'ASC' ? '>' : '<';
  const visibility = Visibility.of(ctx.principal);
  // A node the principal may not see has no history for it; entries about relationships to nodes it may not
  // see are not there either (not on the page, not in the total).
  const nodeVisible = idVisible('$id', visibility);
  const entryVisible = changeVisible('c', '$id', visibility);
  const shown = [...(nodeVisible ? ['visible'] : []), ...(entryVisible ? [entryVisible] : [])];
  const keyset = after ? [`(c.at ${cmp} datetime($afterAt) OR (c.at = datetime($afterAt) AND c.id ${cmp} $afterId))`] : [];
  const where = (conditions: string[]) => (conditions.length ? `WITH c${nodeVisible ? ', visible' : ''} WHERE ${conditions.join(' AND ')}` : '');
  const imports = nodeVisible ? 'WITH visible ' : '';
  const result = await ctx.db.read(
    `${nodeVisible ? `WITH ${nodeVisible} AS visible ` : ''}CALL { ${imports}${CHANGES_OF} ${where(shown)} RETURN count(c) AS total }
     CALL {
       ${imports}${CHANGES_OF}
       ${where([...shown, ...keyset])}
       WITH c ORDER BY c.at ${direction}, c.id ${direction}
       LIMIT $limit
       ${READ_CHANGES}
       WITH change ORDER BY change.at ${direction}, change.id ${direction}
       RETURN collect(change) AS page
     }
     RETURN total, page`,
    { id: args.id, afterAt: after?.[0] ?? null, afterId: after?.[1] ?? null, limit: neo4j.int(first + 1), ...visibility.params() },
  );
  const record = result.records[0];
  const rows = (record.get('page') as Array<Record<string, unknown>>).map(changeFromStored);
  const page = rows.slice(0, first);
  const edges = page.map((node: RecordedChange) => ({ cursor: encodeCursor([node.at, node.id], ordering), node }));
  return {
    edges,
    totalCount: Number(record.get('total')),
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
