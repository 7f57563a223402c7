import { InvariantError } from '../../errors.js';
import { displayNameOf } from '../../model/displayName.js';
import type { GraphModel } from '../../model/graphModel.js';
import { edgeId, type FormatInfo, type Serializer } from './serializer.js';

/**
 * Cytoscape.js elements JSON (`cy.add(json.elements)` or `cytoscape({ elements })`):
 *   {"elements":{"nodes":[{"data":{"id":"place:kupyansk","label":"Kupyansk","type":"Place","name":"Kupyansk",…}}],
 *                "edges":[{"data":{"id":"ABOUT|…","source":"statement:…","target":"place:…","label":"ABOUT","type":"ABOUT","role":"LOCATION"}}]}}
 * A node's `label` is its display name (the API's `displayName`, GraphML's `label`; see
 * src/model/displayName.ts), its `type` the claimgraph label; an edge's `label` and `type` are its type, so a
 * style of `label: data(label)` names both. Properties sit beside them, in bundle form.
 */
const NODE_RESERVED = ['id', 'label', 'type'];
const EDGE_RESERVED = ['id', 'source', 'target', 'label', 'type'];

function checkNames(model: GraphModel) {
  for (const [label, node] of model.nodes)
    for (const p of node.properties) if (NODE_RESERVED.includes(p.name)) throw new InvariantError(`${label}.${p.name} clashes with a Cytoscape data key`);
  for (const [type, edge] of model.edges)
    for (const p of edge.properties) if (EDGE_RESERVED.includes(p.name)) throw new InvariantError(`${type}.${p.name} clashes with a Cytoscape data key`);
}

export const cytoscapeFormat: FormatInfo = {
  contentType: 'application/json; charset=utf-8',
  extension: 'cytoscape.json',
  create(model): Serializer {
    checkNames(model);
    let nodes = 0;
    let edges = 0;
    let inEdges = false;
    const openEdges = () => {
      if (inEdges) return '';
      inEdges = true;
      return `${nodes ? '\n' : ''}],"edges":[`;
    };
    return {
      begin: () => '{"elements":{"nodes":[',
      node: (n) =>
        `${nodes++ ? ',' : ''}\n${JSON.stringify({ data: { id: n.id, label: displayNameOf(n.label, n.id, n.properties), type: n.label, ...n.properties } })}`,
      edge: (e) =>
        `${openEdges()}${edges++ ? ',' : ''}\n${JSON.stringify({ data: { id: edgeId(model, e), source: e.from, target: e.to, label: e.type, type: e.type, ...e.properties } })}`,
      end: () => `${openEdges()}${edges ? '\n' : ''}]}}\n`,
    };
  },
};
