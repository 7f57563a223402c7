import type { GraphEdge, GraphNode } from '../api/queries';

export interface Subgraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  truncated: boolean;
}

/** One key per stored relationship: type, ends and, for ABOUT and MEMBER_OF, the role. */
export function edgeKey(e: GraphEdge): string {
  const role = e.properties && typeof e.properties.role === 'string' ? e.properties.role : '';
  return `${e.type}|${e.from}|${e.to}|${role}`;
}

/** The union of neighbourhoods: each node and each relationship once, in first-seen order. */
export function mergeSubgraphs(parts: Subgraph[]): Subgraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  for (const part of parts) {
    for (const n of part.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    for (const e of part.edges) if (!edges.has(edgeKey(e))) edges.set(edgeKey(e), e);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()].filter((e) => nodes.has(e.from) && nodes.has(e.to)), truncated: parts.some((p) => p.truncated) };
}
