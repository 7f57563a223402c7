import { InvariantError } from '../../errors.js';
import { displayNameOf } from '../../model/displayName.js';
import { storedProperties, type GraphModel, type PropertySpec } from '../../model/graphModel.js';
import { edgeId, type FormatInfo, type Serializer } from './serializer.js';

/**
 * GraphML for networkx (`nx.read_graphml`) and Gephi. Every attribute is declared up front with a
 * <key attr.type>; partial dates are flattened into their stored properties (statedAtStart, …), points
 * into <name>Latitude / <name>Longitude, lists become JSON strings. Node ids are claimgraph ids and edge
 * ids are TYPE|from|to[|key], so they are stable across exports. Nodes carry `labels` (the claimgraph
 * label, their type) and `label`, their display name (the API's `displayName`, see src/model/displayName.ts);
 * edges carry `type` and `label` (the type again).
 */

type GraphmlType = 'string' | 'int' | 'long' | 'double' | 'boolean';
interface Attribute {
  key: string;
  name: string;
  type: GraphmlType;
  get(props: Record<string, unknown>): unknown;
}

function attributesOf(specs: readonly PropertySpec[], prefix: string): Attribute[] {
  const out: Attribute[] = [];
  for (const spec of specs) {
    const attr = (name: string, type: GraphmlType, get: Attribute['get']) => out.push({ key: `${prefix}_${name}`, name, type, get });
    switch (spec.kind) {
      case 'partialDate': {
        const parts = ['start', 'end', 'precision', 'raw', 'relativeTo'];
        storedProperties(spec).forEach((stored, i) =>
          attr(stored, 'string', (p) => (p[spec.name] as Record<string, unknown> | undefined)?.[parts[i]]),
        );
        break;
      }
      case 'geoPoint':
        attr(`${spec.name}Latitude`, 'double', (p) => (p[spec.name] as { latitude: number } | undefined)?.latitude);
        attr(`${spec.name}Longitude`, 'double', (p) => (p[spec.name] as { longitude: number } | undefined)?.longitude);
        attr(`${spec.name}PrecisionM`, 'long', (p) => p[`${spec.name}PrecisionM`]);
        break;
      case 'stringList':
        attr(spec.name, 'string', (p) => (p[spec.name] === undefined ? undefined : JSON.stringify(p[spec.name])));
        break;
      case 'scalar': {
        const type: GraphmlType =
          spec.scalar === 'int' ? 'long' : spec.scalar === 'boolean' ? 'boolean' : ['float', 'latitude', 'longitude'].includes(spec.scalar) ? 'double' : 'string';
        attr(spec.name, type, (p) => p[spec.name]);
        break;
      }
      default:
        attr(spec.name, 'string', (p) => p[spec.name]);
    }
  }
  return out;
}

/** One attribute per name across all labels (or types); the same name must have the same type everywhere. */
function merge(groups: Array<[string, Attribute[]]>): { all: Attribute[]; by: Map<string, Attribute[]> } {
  const all = new Map<string, Attribute>();
  const by = new Map<string, Attribute[]>();
  for (const [owner, attrs] of groups) {
    by.set(owner, attrs);
    for (const a of attrs) {
      const seen = all.get(a.name);
      if (seen && seen.type !== a.type) throw new InvariantError(`GraphML attribute ${a.name} has two types (${seen.type}, ${a.type})`);
      if (!seen) all.set(a.name, a);
    }
  }
  return { all: [...all.values()], by };
}

const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** XML text: escaped, carriage returns kept as &#13; (parsers would fold them), characters XML 1.0 cannot hold replaced. */
export function xmlText(s: string): string {
  return s
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

function value(type: GraphmlType, v: unknown): string {
  if (type === 'boolean') return v ? 'true' : 'false';
  if (type === 'long' || type === 'double' || type === 'int') return String(v);
  return xmlText(String(v));
}

const RESERVED_NODE = ['labels', 'label'];
const RESERVED_EDGE = ['type', 'label'];

export const graphmlFormat: FormatInfo = {
  contentType: 'application/graphml+xml; charset=utf-8',
  extension: 'graphml',
  create(model: GraphModel): Serializer {
    const nodes = merge([...model.nodes].map(([label, m]) => [label, attributesOf(m.properties, 'n')]));
    const edges = merge([...model.edges].map(([type, m]) => [type, attributesOf(m.properties, 'e')]));
    for (const a of nodes.all) if (RESERVED_NODE.includes(a.name)) throw new InvariantError(`node property ${a.name} clashes with a GraphML key`);
    for (const a of edges.all) if (RESERVED_EDGE.includes(a.name)) throw new InvariantError(`edge property ${a.name} clashes with a GraphML key`);
    const key = (id: string, target: 'node' | 'edge', name: string, type: GraphmlType) =>
      `  <key id="${id}" for="${target}" attr.name="${name}" attr.type="${type}"/>\n`;
    const data = (attrs: Attribute[], props: Record<string, unknown>) =>
      attrs
        .map((a) => {
          const v = a.get(props);
          return v === undefined || v === null ? '' : `      <data key="${a.key}">${value(a.type, v)}</data>\n`;
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
        `    <node id="${xmlText(n.id)}">\n` +
        `      <data key="labels">${xmlText(n.label)}</data>\n` +
        `      <data key="label">${xmlText(displayNameOf(n.label, n.id, n.properties))}</data>\n` +
        data(nodes.by.get(n.label) ?? [], n.properties) +
        '    </node>\n',
      edge: (e) =>
        `    <edge id="${xmlText(edgeId(model, e))}" source="${xmlText(e.from)}" target="${xmlText(e.to)}">\n` +
        `      <data key="type">${xmlText(e.type)}</data>\n` +
        `      <data key="elabel">${xmlText(e.type)}</data>\n` +
        data(edges.by.get(e.type) ?? [], e.properties) +
        '    </edge>\n',
      end: () => '  </graph>\n</graphml>\n',
    };
  },
};
