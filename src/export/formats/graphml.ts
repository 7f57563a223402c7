import { displayNameOf } from '../../model/displayName.js';
import type { GraphModel } from '../../model/graphModel.js';
import { edgeId, type FormatInfo, type Serializer } from './serializer.js';
import { xmlAttributes, xmlAttributeValue, xmlText, xmlValue, type XmlAttribute, type XmlValueType } from './xmlAttributes.js';

/**
 * GraphML for networkx (`nx.read_graphml`) and Gephi. Every attribute is declared up front with a
 * <key attr.type>; partial dates are flattened into their stored properties (statedAtStart, …), points
 * into <name>Latitude / <name>Longitude, lists become JSON strings. Node ids are claimgraph ids and edge
 * ids are TYPE|from|to[|key], so they are stable across exports. Nodes carry `labels` (the claimgraph
 * label, their type) and `label`, their display name (the API's `displayName`, see src/model/displayName.ts);
 * edges carry `type` and `label` (the type again).
 */

const RESERVED_NODE = ['labels', 'label'];
const RESERVED_EDGE = ['type', 'label'];

export const graphmlFormat: FormatInfo = {
  contentType: 'application/graphml+xml; charset=utf-8',
  extension: 'graphml',
  create(model: GraphModel): Serializer {
    const { nodes, edges } = xmlAttributes(model, 'GraphML', { node: RESERVED_NODE, edge: RESERVED_EDGE });
    const key = (id: string, target: 'node' | 'edge', name: string, type: XmlValueType) =>
      `  <key id="${id}" for="${target}" attr.name="${name}" attr.type="${type}"/>\n`;
    const data = (attrs: XmlAttribute[], props: Record<string, unknown>) =>
      attrs
        .map((a) => {
          const v = a.get(props);
          return v === undefined || v === null ? '' : `      <data key="${a.key}">${xmlValue(a.type, v)}</data>\n`;
        })
        .join('');
    return {
      begin: () =>
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n' +
        key('labels', 'node', 'labels', 'string') +
        key('label', 'node', 'label', 'string') +
        nodes.all.map((a) => key(a.key, 'node', a.name, a.type)).join('') +
        key('type', 'edge', 'type', 'string') +
        key('elabel', 'edge', 'label', 'string') +
        edges.all.map((a) => key(a.key, 'edge', a.name, a.type)).join('') +
        '  <graph id="claimgraph" edgedefault="directed">\n',
      node: (n) =>
        `    <node id="${xmlAttributeValue(n.id)}">\n` +
        `      <data key="labels">${xmlText(n.label)}</data>\n` +
        `      <data key="label">${xmlText(displayNameOf(n.label, n.id, n.properties))}</data>\n` +
        data(nodes.by.get(n.label) ?? [], n.properties) +
        '    </node>\n',
      edge: (e) =>
        `    <edge id="${xmlAttributeValue(edgeId(model, e))}" source="${xmlAttributeValue(e.from)}" target="${xmlAttributeValue(e.to)}">\n` +
        `      <data key="type">${xmlText(e.type)}</data>\n` +
        `      <data key="elabel">${xmlText(e.type)}</data>\n` +
        data(edges.by.get(e.type) ?? [], e.properties) +
        '    </edge>\n',
      end: () => '  </graph>\n</graphml>\n',
    };
  },
};
