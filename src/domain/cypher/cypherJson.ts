import neo4j, {
  isDate,
  isDateTime,
  isDuration,
  isInt,
  isLocalDateTime,
  isLocalTime,
  isNode,
  isPath,
  isPoint,
  isRelationship,
  isTime,
  isUnboundRelationship,
  type Integer,
} from 'neo4j-driver';
import { badUserInput } from '../../errors.js';

/**
 * Conversions between JSON and Neo4j values for the read-only Cypher endpoint: parameters in, rows out.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const MAX_PARAMS_LENGTH = 100_000;

const WGS84_SRIDS = new Set([4326, 4979]);

/** A Neo4j value as JSON. Integers outside ±2^53 become decimal strings, so no digit is lost. */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (isInt(value)) {
    const int = value as Integer;
    return neo4j.integer.inSafeRange(int) ? int.toNumber() : int.toString();
  }
  if (isNode(value)) {
    const properties = toJsonMap(value.properties);
    return { id: (properties.id as Json) ?? value.elementId, labels: [...value.labels], properties };
  }
  if (isRelationship(value) || isUnboundRelationship(value)) return { type: value.type, properties: toJsonMap(value.properties) };
  if (isPath(value)) {
    const out: Json[] = [toJson(value.start)];
    for (const segment of value.segments) out.push(toJson(segment.relationship), toJson(segment.end));
    return out;
  }
  if (isPoint(value)) {
    const srid = toJson(value.srid) as number;
    if (WGS84_SRIDS.has(srid)) {
      return value.z === undefined ? { latitude: value.y, longitude: value.x } : { latitude: value.y, longitude: value.x, height: value.z };
    }
    return value.z === undefined ? { x: value.x, y: value.y, srid } : { x: value.x, y: value.y, z: value.z, srid };
  }
  // ISO-8601 as the driver writes it: lossless (nanoseconds, offsets, and a [zone id] where there is one).
  if (isDateTime(value) || isDate(value) || isLocalDateTime(value) || isLocalTime(value) || isTime(value) || isDuration(value)) return String(value);
  if (value instanceof Uint8Array || value instanceof Int8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') return toJsonMap(value as Record<string, unknown>);
  return String(value);
}

function toJsonMap(map: Record<string, unknown>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(map)) out[k] = toJson(v);
  return out;
}

/** A JSON parameter value for Neo4j: whole numbers become integers (so LIMIT $n works), the rest as is. */
function toNeo4jValue(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? neo4j.int(value) : value;
  if (Array.isArray(value)) return value.map((v, i) => toNeo4jValue(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toNeo4jValue(v, `${path}.${k}`);
    return out;
  }
  throw badUserInput(`params${path} is not a JSON value.`, 'params');
}

/** The query parameters from the `params` argument: a JSON object (or nothing), each whole number an integer. */
export function cypherParams(params: unknown): Record<string, unknown> {
  if (params === null || params === undefined) return {};
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw badUserInput('params must be a JSON object of query parameters, such as {"id": "place:kupyansk"}.', 'params');
  }
  const length = JSON.stringify(params).length;
  if (length > MAX_PARAMS_LENGTH) throw badUserInput(`params must be at most ${MAX_PARAMS_LENGTH} characters of JSON; got ${length}.`, 'params');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (k.length === 0) throw badUserInput('params must not have an empty name.', 'params');
    out[k] = toNeo4jValue(v, `.${k}`);
  }
  return out;
}
