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
 * as a Relay connection with keyset cursors on (at, id). Two index seeks (entityId, relatedId), whose
 * union is sorted and cut to the page; the count is a separate subquery so no page is materialised whole.
 */

export interface HistoryArgs {
  id: string;
  first?: number | null;
  after?: string | null;
  direction?: 'ASC' | 'DESC' | null;
}

/** Every change about a node, as a subquery binding `c`. */
export const CHANGES_OF = `CALL {
  MATCH (c:Change) WHERE c.entityId = $id RETURN c
  UNION
  MATCH (c:Change) WHERE c.relatedId = $id RETURN c
}`;

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
       RETURN collect(properties(c)) AS page
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
