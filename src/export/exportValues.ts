import neo4j from 'neo4j-driver';
import { storedProperties, type PropertySpec } from '../model/graphModel.js';

/**
 * What Neo4j stores, back in bundle form: the exact inverse of `storedValues` in
 * src/bundle/importBundle.ts. Neo4j Date → "YYYY-MM-DD"; WGS-84 Point → {latitude, longitude} with its
 * `<name>PrecisionM` sibling; Neo4j Integer → number; the five partial-date properties → one partial-date
 * object; absent (null), or an enum's default (which is never stored), → omitted. Keys come out in model order, so the same data always serialises to
 * the same bytes. Times of record (createdAt, updatedAt) are not model properties and never come out.
 */

const num = (v: unknown): number => (neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : (v as number));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A Neo4j Date (or an ISO string already) as YYYY-MM-DD. */
export function isoDate(value: unknown): string {
  if (typeof value === 'string') return value;
  const d = value as { year: unknown; month: unknown; day: unknown };
  return `${pad(num(d.year), 4)}-${pad(num(d.month), 2)}-${pad(num(d.day), 2)}`;
}

const present = (v: unknown) => v !== null && v !== undefined;

export function exportedValues(specs: readonly PropertySpec[], stored: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    switch (spec.kind) {
      case 'partialDate': {
        const [start, end, precision, raw, relativeTo] = storedProperties(spec).map((name) => stored[name]);
        if (!present(start)) break;
        const date: Record<string, unknown> = { start: isoDate(start), end: isoDate(present(end) ? end : start), precision };
        if (present(raw)) date.raw = raw;
        if (present(relativeTo)) date.relativeTo = isoDate(relativeTo);
        out[spec.name] = date;
        break;
      }
      case 'geoPoint': {
        const point = stored[spec.name] as { x: number; y: number } | null | undefined;
        if (present(point)) out[spec.name] = { latitude: num(point!.y), longitude: num(point!.x) };
        const precision = stored[`${spec.name}PrecisionM`];
        if (present(precision)) out[`${spec.name}PrecisionM`] = num(precision);
        break;
      }
      case 'scalar': {
        const value = stored[spec.name];
        if (!present(value)) break;
        if (spec.scalar === 'int' || spec.scalar === 'float' || spec.scalar === 'latitude' || spec.scalar === 'longitude') out[spec.name] = num(value);
        else if (spec.scalar === 'date') out[spec.name] = isoDate(value);
        // one spelling for an instant (milliseconds, UTC), whatever precision Neo4j kept
        else if (spec.scalar === 'dateTime') out[spec.name] = isoInstant(value);
        else out[spec.name] = value;
        break;
      }
      default: {
        const value = stored[spec.name];
        // An enum's default (a marking's CLEAR) is what absence means: left out, as it is never stored.
        if (present(value) && !(spec.kind === 'enum' && value === spec.default)) out[spec.name] = value;
      }
    }
  }
  return out;
}

/** A stored DateTime (or an ISO string) as JavaScript's ISO form: 2024-12-20T10:00:00.123Z. */
function isoInstant(value: unknown): string {
  const parsed = new Date(String(value).replace(/(\.\d{3})\d+/, '$1').replace(/\[.*\]$/, ''));
  return Number.isNaN(parsed.getTime()) ? String(value) : parsed.toISOString();
}
