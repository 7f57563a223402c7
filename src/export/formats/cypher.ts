import { labelOfId } from '../../ids.js';
import type { GraphModel, PropertySpec } from '../../model/graphModel.js';
import { storedProperties } from '../../model/graphModel.js';
import type { FormatInfo, Serializer } from './serializer.js';

/**
 * Cypher statements for cypher-shell (`cypher-shell -f export.cypher`): parameter-free and idempotent, one
 * statement per line, so loading the file twice (or into a database that has some of it) changes nothing:
 *   CREATE CONSTRAINT actor_id_unique IF NOT EXISTS FOR (n:Actor) REQUIRE n.id IS UNIQUE;
 *   MERGE (n:Place {id: 'place:kupyansk'}) SET n += {kind: 'CITY', name: 'Kupyansk', location: point({latitude: 49.7, longitude: 37.6}), …};
 *   MATCH (a:Statement {id: '…'}) MATCH (b:Place {id: '…'}) MERGE (a)-[r:ABOUT {role: 'LOCATION'}]->(b) SET r += {…};
 * Values are stored as claimgraph stores them (partial dates flattened, dates as date(), points as point()).
 */

/** A Cypher string literal: single-quoted, with backslash escapes; one line whatever it holds. */
export function cypherString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A float literal Cypher reads back as the same double (always with a point or an exponent). */
export function cypherFloat(n: number): string {
  const s = String(n);
  if (/e/i.test(s)) {
    const [mantissa, exponent] = s.split(/e/i);
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
  }
  return s.includes('.') ? s : `${s}.0`;
}

const ident = (name: string) => `\`${name.replace(/`/g, '``')}\``;
const date = (iso: unknown) => `date(${cypherString(String(iso))})`;

/** The stored properties of a record, as a Cypher map literal's entries. */
function entries(specs: readonly PropertySpec[], props: Record<string, unknown>): string[] {
  const out: string[] = [];
  const put = (name: string, literal: string) => out.push(`${ident(name)}: ${literal}`);
  for (const spec of specs) {
    const value = props[spec.name];
    switch (spec.kind) {
      case 'partialDate': {
        if (!value) break;
        const d = value as Record<string, unknown>;
        const [start, end, precision, raw, relativeTo] = storedProperties(spec);
        put(start, date(d.start));
        put(end, date(d.end));
        put(precision, cypherString(String(d.precision)));
        if (d.raw !== undefined) put(raw, cypherString(String(d.raw)));
        if (d.relativeTo !== undefined) put(relativeTo, date(d.relativeTo));
        break;
      }
      case 'geoPoint': {
        const p = value as { latitude: number; longitude: number } | undefined;
        if (p) put(spec.name, `point({latitude: ${cypherFloat(p.latitude)}, longitude: ${cypherFloat(p.longitude)}})`);
        const precision = props[`${spec.name}PrecisionM`];
        if (precision !== undefined) put(`${spec.name}PrecisionM`, String(precision));
        break;
      }
      case 'stringList':
        if (value !== undefined) put(spec.name, `[${(value as string[]).map(cypherString).join(', ')}]`);
        break;
      case 'scalar':
        if (value === undefined) break;
        if (spec.scalar === 'int') put(spec.name, String(value));
        else if (spec.scalar === 'float' || spec.scalar === 'latitude' || spec.scalar === 'longitude') put(spec.name, cypherFloat(value as number));
        else if (spec.scalar === 'boolean') put(spec.name, value ? 'true' : 'false');
        else if (spec.scalar === 'date') put(spec.name, date(value));
        else if (spec.scalar === 'dateTime') put(spec.name, `datetime(${cypherString(String(value))})`);
        else put(spec.name, cypherString(String(value)));
        break;
      default:
        if (value !== undefined) put(spec.name, cypherString(String(value)));
    }
  }
  return out;
}

export const cypherFormat: FormatInfo = {
  contentType: 'text/plain; charset=utf-8',
  extension: 'cypher',
  create(model: GraphModel): Serializer {
    return {
      begin: () =>
        [...model.nodes.keys()]
          .sort()
          .map((l) => `CREATE CONSTRAINT ${l.toLowerCase()}_id_unique IF NOT EXISTS FOR (n:${ident(l)}) REQUIRE n.id IS UNIQUE;\n`)
          .join(''),
      node: (n) => {
        const props = entries(model.nodes.get(n.label)!.properties, n.properties);
        return `MERGE (n:${ident(n.label)} {id: ${cypherString(n.id)}})${props.length ? ` SET n += {${props.join(', ')}}` : ''};\n`;
      },
      edge: (e) => {
        const edge = model.edges.get(e.type)!;
        const props = entries(edge.properties, e.properties);
        const keyEntry = edge.key ? props.find((p) => p.startsWith(`${ident(edge.key!)}:`)) : undefined;
        const rest = props.filter((p) => p !== keyEntry);
        return (
          `MATCH (a:${ident(labelOfId(e.from)!)} {id: ${cypherString(e.from)}}) ` +
          `MATCH (b:${ident(labelOfId(e.to)!)} {id: ${cypherString(e.to)}}) ` +
          `MERGE (a)-[r:${ident(e.type)}${keyEntry ? ` {${keyEntry}}` : ''}]->(b)` +
          `${rest.length ? ` SET r += {${rest.join(', ')}}` : ''};\n`
        );
      },
      end: () => '',
    };
  },
};
