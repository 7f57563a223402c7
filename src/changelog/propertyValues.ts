import neo4j from 'neo4j-driver';
import { storedValues } from '../bundle/importBundle.js';
import { exportedValues } from '../export/exportValues.js';
import type { PropertySpec } from '../model/graphModel.js';

/**
 * Property values in the three forms the write path meets, and the diff the change log records.
 *
 * - bundle form: what a bundle (and a mutation's input, once mapped) says: partial dates as
 *   {start, end, precision, raw?, relativeTo?}, a point as {latitude, longitude} with a `<name>PrecisionM`
 *   sibling, absent properties omitted;
 * - stored form: what Neo4j holds (`storedValues`: partial dates flattened, points, integers);
 * - canonical form: bundle form read back from the stored form, so two values that store the same compare
 *   equal. The change log records canonical values, and the diff compares them.
 */

export type Properties = Record<string, unknown>;

export interface PropertyChange {
  property: string;
  before: unknown;
  after: unknown;
}

const isDateTime = (spec: PropertySpec) => spec.kind === 'scalar' && spec.scalar === 'dateTime';

/** Bundle-form properties as the Neo4j values to SET: every model property is present, null removes it. */
export function toStored(specs: readonly PropertySpec[], props: Properties): Properties {
  const out = storedValues([...specs], props);
  for (const spec of specs) {
    const value = out[spec.name];
    // Times of record inside the model (a statement's retractedAt) are stored as Neo4j DateTimes, like createdAt.
    if (isDateTime(spec) && typeof value === 'string') out[spec.name] = neo4j.types.DateTime.fromStandardDate(new Date(value));
    // An empty list and no list read the same ([]); store one of them.
    if (spec.kind === 'stringList' && Array.isArray(value) && value.length === 0) out[spec.name] = null;
  }
  return out;
}

/** Stored properties (a node's or relationship's `properties(x)`) in canonical bundle form. */
export function canonical(specs: readonly PropertySpec[], stored: Properties): Properties {
  const out = exportedValues(specs, stored);
  for (const spec of specs) {
    const value = out[spec.name];
    if (isDateTime(spec) && value !== undefined) out[spec.name] = new Date(String(value)).toISOString();
    if (spec.kind === 'stringList' && Array.isArray(value) && value.length === 0) delete out[spec.name];
  }
  return out;
}

/** Bundle-form properties in canonical form (as they will read back once stored). */
export const normalise = (specs: readonly PropertySpec[], props: Properties): Properties => canonical(specs, toStored(specs, props));

/** The property names of the canonical form, in model order (a point brings its precision along). */
export function propertyNames(specs: readonly PropertySpec[]): string[] {
  return specs.flatMap((s) => (s.kind === 'geoPoint' ? [s.name, `${s.name}PrecisionM`] : [s.name]));
}

/** JSON with object keys sorted, so equal values print equally. */
export function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/**
 * Whether two canonical values print the same as stableJson. Most are null or a scalar, compared as they
 * are: an import compares every property of every record, and printing each costs it seconds.
 */
function sameValue(b: unknown, a: unknown): boolean {
  if ((b === null || printsAsItIs(b)) && (a === null || printsAsItIs(a))) return b === a;
  return stableJson(b) === stableJson(a);
}

/** A value JSON prints as itself, so === agrees with comparing prints (NaN and ±Infinity print as null). */
const printsAsItIs = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** The properties whose canonical values differ, each with its value before and after (null when absent). */
export function diffProperties(specs: readonly PropertySpec[], before: Properties | null, after: Properties | null): PropertyChange[] {
  const changes: PropertyChange[] = [];
  for (const name of propertyNames(specs)) {
    const b = before?.[name] ?? null;
    const a = after?.[name] ?? null;
    if (!sameValue(b, a)) changes.push({ property: name, before: b, after: a });
  }
  return changes;
}
