import { InvariantError } from '../../errors.js';
import { storedProperties, type GraphModel, type PropertySpec } from '../../model/graphModel.js';

/**
 * The typed attributes of the XML graph formats (GraphML keys, GEXF attributes), read from the graph
 * model: partial dates flattened into their stored properties (statedAtStart, …), points into
 * <name>Latitude / <name>Longitude / <name>PrecisionM, lists as JSON text. Both formats know these four
 * types by the same names.
 */

export type XmlValueType = 'string' | 'long' | 'double' | 'boolean';

export interface XmlAttribute {
  /** A unique id: `n_<name>` for nodes, `e_<name>` for edges. */
  key: string;
  name: string;
  type: XmlValueType;
  get(props: Record<string, unknown>): unknown;
}

export interface XmlAttributeSet {
  /** Every attribute, once per name, in model order. */
  all: XmlAttribute[];
  /** The attributes of each label (or relationship type). */
  by: Map<string, XmlAttribute[]>;
}

function attributesOf(specs: readonly PropertySpec[], prefix: string): XmlAttribute[] {
  const out: XmlAttribute[] = [];
  for (const spec of specs) {
    const attr = (name: string, type: XmlValueType, get: XmlAttribute['get']) => out.push({ key: `${prefix}_${name}`, name, type, get });
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
        const type: XmlValueType =
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
function merge(groups: Array<[string, XmlAttribute[]]>): XmlAttributeSet {
  const all = new Map<string, XmlAttribute>();
  const by = new Map<string, XmlAttribute[]>();
  for (const [owner, attrs] of groups) {
    by.set(owner, attrs);
    for (const a of attrs) {
      const seen = all.get(a.name);
      if (seen && seen.type !== a.type) throw new InvariantError(`attribute ${a.name} has two types (${seen.type}, ${a.type})`);
      if (!seen) all.set(a.name, a);
    }
  }
  return { all: [...all.values()], by };
}

/** The node and edge attributes of a model; `reserved` names are the format's own and may not be properties. */
export function xmlAttributes(model: GraphModel, format: string, reserved: { node: readonly string[]; edge: readonly string[] }) {
  const nodes = merge([...model.nodes].map(([label, m]) => [label, attributesOf(m.properties, 'n')]));
  const edges = merge([...model.edges].map(([type, m]) => [type, attributesOf(m.properties, 'e')]));
  for (const a of nodes.all) if (reserved.node.includes(a.name)) throw new InvariantError(`node property ${a.name} clashes with a ${format} key`);
  for (const a of edges.all) if (reserved.edge.includes(a.name)) throw new InvariantError(`edge property ${a.name} clashes with a ${format} key`);
  return { nodes, edges };
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

/** An XML attribute value: as text, and line feeds and tabs as references too (a parser turns them into spaces). */
export function xmlAttributeValue(s: string): string {
  return xmlText(s).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** A typed value as XML text (`escape` chooses text or attribute-value escaping for strings). */
export function xmlValue(type: XmlValueType, v: unknown, escape: (s: string) => string = xmlText): string {
  if (type === 'boolean') return v ? 'true' : 'false';
  if (type === 'long' || type === 'double') return String(v);
  return escape(String(v));
}
