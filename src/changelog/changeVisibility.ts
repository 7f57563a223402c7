import { VISIBLE_MARKINGS_PARAM, type Visibility } from '../auth/visibility.js';

/**
 * What of the change log a principal may see. A node's history follows its marking: a node it may not see
 * has no history for it, and an entry about a relationship is shown only when the node at its other end is
 * visible too. A node that was deleted is judged by the marking it had when last written (the change log
 * keeps it on each entry about a statement or a source: Change.marking, absent for CLEAR), so deleting a RED
 * source does not release its history. Everything here is Cypher, put inside the history queries: hidden
 * entries are not on a page, in a count or behind a cursor.
 */

/** Marked labels by id prefix (ids name their label: src/ids.ts). */
const MARKED_PREFIXES: ReadonlyArray<[string, string]> = [
  ['statement:', 'Statement'],
  ['source:', 'Source'],
];

/**
 * The marking of the node an id names, as Cypher: the node's own when it exists, else the marking recorded
 * by its last change (its deletion), else CLEAR; always CLEAR for actors, units and places. `id` is a
 * Cypher expression (a parameter or a property).
 */
export function markingOfId(id: string): string {
  const logged = `coalesce(head(COLLECT { MATCH (loggedChange:Change) WHERE loggedChange.entityId = ${id} AND loggedChange.edgeType IS NULL
      RETURN coalesce(loggedChange.marking, 'CLEAR') ORDER BY loggedChange.at DESC, loggedChange.id DESC LIMIT 1 }), 'CLEAR')`;
  const branches = MARKED_PREFIXES.map(
    ([prefix, label]) =>
      `WHEN ${id} STARTS WITH '${prefix}' THEN coalesce(head(COLLECT { MATCH (markedNode:${label} {id: ${id}}) RETURN coalesce(markedNode.marking, 'CLEAR') }), ${logged})`,
  );
  return `CASE ${branches.join(' ')} ELSE 'CLEAR' END`;
}

/** Cypher: the node `id` names may be seen (null when everything may). */
export function idVisible(id: string, visibility: Visibility): string | null {
  return visibility.seesAll ? null : `${markingOfId(id)} IN $${VISIBLE_MARKINGS_PARAM}`;
}

/**
 * Cypher: the change bound to `c`, found in the history of the node `id` (an expression), may be seen: a
 * change to the node itself, or to a relationship whose other end may be seen. Null when everything may.
 */
export function changeVisible(c: string, id: string, visibility: Visibility): string | null {
  if (visibility.seesAll) return null;
  const other = `CASE WHEN ${c}.entityId = ${id} THEN ${c}.edgeTo ELSE ${c}.entityId END`;
  return `(${c}.edgeType IS NULL OR ${markingOfId(other)} IN $${VISIBLE_MARKINGS_PARAM})`;
}
