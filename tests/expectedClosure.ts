/**
 * The export closure rule written out again over a bundle file, independently of the Cypher that
 * implements it (src/export/selection.ts), so the tests compare the exporter against the rule as the
 * guide states it: from the selected nodes, add
 *   - for every statement: MADE_BY, ON_BEHALF_OF, ABOUT and REPORTED_IN targets;
 *   - for every source (selected, or added by the step above): PUBLISHED_BY, AUTHORED_BY, GEOLOCATED_AT targets;
 *   - for every node so far: its PART_OF ancestors up to the root;
 * never stepping onto a node the principal may not see (`sees`).
 */

interface BundleLike {
  nodes: Array<{ id: string; label: string }>;
  edges: Array<{ type: string; from: string; to: string }>;
}

const STATEMENT_STEP = ['MADE_BY', 'ON_BEHALF_OF', 'ABOUT', 'REPORTED_IN'];
const SOURCE_STEP = ['PUBLISHED_BY', 'AUTHORED_BY', 'GEOLOCATED_AT'];

export function expectedClosure(bundle: BundleLike, selected: Iterable<string>, sees: (id: string) => boolean = () => true): Set<string> {
  const labelOf = new Map(bundle.nodes.map((n) => [n.id, n.label]));
  const out = new Set(selected);
  const targets = (from: string, types: string[]) => bundle.edges.filter((e) => e.from === from && types.includes(e.type) && sees(e.to)).map((e) => e.to);
  for (const id of [...out]) if (labelOf.get(id) === 'Statement') for (const t of targets(id, STATEMENT_STEP)) out.add(t);
  for (const id of [...out]) if (labelOf.get(id) === 'Source') for (const t of targets(id, SOURCE_STEP)) out.add(t);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of bundle.edges)
      if (e.type === 'PART_OF' && out.has(e.from) && !out.has(e.to) && sees(e.to)) {
        out.add(e.to);
        grew = true;
      }
  }
  return out;
}

/** The edges of a bundle between two of `ids`, as `type from -> to` keys (keyed types with their role). */
export function inducedEdges(bundle: { edges: Array<{ type: string; from: string; to: string; properties?: Record<string, unknown> }> }, ids: Set<string>): string[] {
  return bundle.edges
    .filter((e) => ids.has(e.from) && ids.has(e.to))
    .map((e) => `${e.type} ${e.from} -> ${e.to}${e.properties?.role ? ` ${String(e.properties.role)}` : ''}`)
    .sort();
}
