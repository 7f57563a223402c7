import type { BundleEdge, BundleNode } from '../../bundle/bundleSchema.js';
import type { GraphModel } from '../../model/graphModel.js';

/**
 * A format writer: text for the start, each node, each edge and the end of an export, called in export
 * order (nodes by label then id, then edges by type, from, to, key). Pure: the same records give the
 * same bytes, which is what makes export → import → export byte-identical.
 */
export interface Serializer {
  begin(): string;
  node(node: BundleNode): string;
  edge(edge: BundleEdge): string;
  end(counts: { nodes: number; edges: number }): string;
}

export interface FormatInfo {
  contentType: string;
  extension: string;
  create(model: GraphModel): Serializer;
}

/** A stable id for an edge: type, ends and (for keyed types) the key value, e.g. ABOUT|statement:x|place:y|LOCATION. */
export function edgeId(model: GraphModel, edge: BundleEdge): string {
  const key = model.edges.get(edge.type)?.key;
  const base = `${edge.type}|${edge.from}|${edge.to}`;
  return key && edge.properties[key] !== undefined ? `${base}|${String(edge.properties[key])}` : base;
}
