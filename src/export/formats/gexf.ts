import { displayNameOf } from '../../model/displayName.js';
import type { GraphModel } from '../../model/graphModel.js';
import { edgeId, type FormatInfo, type Serializer } from './serializer.js';
import { xmlAttributes, xmlAttributeValue, xmlValue, type XmlAttribute } from './xmlAttributes.js';

/**
 * GEXF 1.3, Gephi's own format (File → Open; Gephi 0.9.3 or later):
 *   <node id="place:kupyansk" label="Kupyansk"><attvalues><attvalue for="n_type" value="Place"/>
 *     <attvalue for="n_kind" value="CITY"/>…</attvalues></node>
 *   <edge id="ABOUT|statement:…|place:kupyansk|OBJECT" source="statement:…" target="place:kupyansk"
 *     label="ABOUT" kind="ABOUT:OBJECT"><attvalues><attvalue for="e_type" value="ABOUT"/>
 *     <attvalue for="e_role" value="OBJECT"/></attvalues></edge>
 * A node's `label` is its display name (the API's `displayName`, as in GraphML and Cytoscape) and its
 * `type` attribute its claimgraph label; an edge's `label` and `type` attribute are its relationship type.
 * Attributes are typed and flattened as in GraphML (see xmlAttributes.ts). An edge's `kind` is its type,
 * with its key for keyed types (ABOUT:OBJECT): Gephi keeps parallel edges apart only when their kinds
 * differ, and a statement may be about one place both as OBJECT and as LOCATION. (GEXF's own edge `type`
 * means directed or not; every claimgraph edge is directed.) No date in <meta>: the same records give the
 * same bytes.
 */

const NODE_TYPE_KEY = 'n_type';
const EDGE_TYPE_KEY = 'e_type';
// `type` would clash with the attribute that holds the node's or edge's type.
const RESERVED = ['type'];

export const gexfFormat: FormatInfo = {
  contentType: 'application/gexf+xml; charset=utf-8',
  extension: 'gexf',
  create(model: GraphModel): Serializer {
    const { nodes, edges } = xmlAttributes(model, 'GEXF', { node: RESERVED, edge: RESERVED });
    const declare = (key: string, name: string, type: string) => `      <attribute id="${key}" title="${name}" type="${type}"/>\n`;
    const attvalues = (typeKey: string, type: string, attrs: XmlAttribute[], props: Record<string, unknown>) => {
      let out = `        <attvalues>\n          <attvalue for="${typeKey}" value="${xmlAttributeValue(type)}"/>\n`;
      for (const a of attrs) {
        const v = a.get(props);
        if (v !== undefined && v !== null) out += `          <attvalue for="${a.key}" value="${xmlValue(a.type, v, xmlAttributeValue)}"/>\n`;
      }
      return `${out}        </attvalues>\n`;
    };
    const kindOf = (type: string, props: Record<string, unknown>) => {
      const key = model.edges.get(type)?.key;
      return key && props[key] !== undefined ? `${type}:${String(props[key])}` : type;
    };
    let inEdges = false;
    const openEdges = () => {
      if (inEdges) return '';
      inEdges = true;
      return '    </nodes>\n    <edges>\n';
    };
    return {
      begin: () =>
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
        'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n' +
        '  <meta>\n    <creator>claimgraph</creator>\n    <description>Conflict reporting: who said what, about which units and places, when, according to which sources</description>\n  </meta>\n' +
        '  <graph mode="static" defaultedgetype="directed" idtype="string">\n' +
        '    <attributes class="node">\n' +
        declare(NODE_TYPE_KEY, 'type', 'string') +
        nodes.all.map((a) => declare(a.key, a.name, a.type)).join('') +
        '    </attributes>\n' +
        '    <attributes class="edge">\n' +
        declare(EDGE_TYPE_KEY, 'type', 'string') +
        edges.all.map((a) => declare(a.key, a.name, a.type)).join('') +
        '    </attributes>\n' +
        '    <nodes>\n',
      node: (n) =>
        `      <node id="${xmlAttributeValue(n.id)}" label="${xmlAttributeValue(displayNameOf(n.label, n.id, n.properties))}">\n` +
        attvalues(NODE_TYPE_KEY, n.label, nodes.by.get(n.label) ?? [], n.properties) +
        '      </node>\n',
      edge: (e) =>
        openEdges() +
        `      <edge id="${xmlAttributeValue(edgeId(model, e))}" source="${xmlAttributeValue(e.from)}" target="${xmlAttributeValue(e.to)}" ` +
        `label="${xmlAttributeValue(e.type)}" kind="${xmlAttributeValue(kindOf(e.type, e.properties))}">\n` +
        attvalues(EDGE_TYPE_KEY, e.type, edges.by.get(e.type) ?? [], e.properties) +
        '      </edge>\n',
      end: () => `${openEdges()}    </edges>\n  </graph>\n</gexf>\n`,
    };
  },
};
