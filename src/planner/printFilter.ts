import type { Label } from '../ids.js';
import { requireLabelOfId } from '../ids.js';
import { badUserInput, InvariantError } from '../errors.js';
import type { GraphModel, PropertySpec, RelationFieldModel } from '../model/graphModel.js';
import type { CypherWriter } from './printCypher.js';
import { centreExpression, checkCentre, type GeoCentre } from './computedFields.js';

/**
 * Turns a `where` input into a Cypher predicate. Input field names are looked up in the graph model (a
 * property, a relationship field, or a spatial/hierarchy operator), so no user string reaches the query
 * text; every value is a parameter. Returns null for an empty filter (matches everything).
 */

type Where = Record<string, unknown>;

const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;
const and = (parts: Array<string | null>) => {
  const kept = parts.filter((p): p is string => !!p);
  return kept.length === 0 ? null : kept.length === 1 ? kept[0] : kept.map((p) => `(${p})`).join(' AND ');
};
const or = (parts: Array<string | null>) => {
  if (parts.some((p) => p === null)) return null;
  return parts.length === 0 ? 'false' : parts.map((p) => `(${p})`).join(' OR ');
};

export const MAX_RADIUS_KM = 20_000;

/**
 * An enum value from the SDL (never from a request) as a Cypher string literal; the graph model admits only
 * GraphQL names (letters, digits, underscores) as defaults, and this checks again.
 */
export function enumLiteral(value: string): string {
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) throw new InvariantError(`${value} is not an enum value name`);
  return `'${value}'`;
}

export interface FilterScope {
  model: GraphModel;
  w: CypherWriter;
  /** The field the filter belongs to, for error messages (e.g. Query.places). */
  field: string;
}

/** The Date and DateTime scalars parse into JS Dates; Cypher's date() and datetime() take ISO strings. */
const isoDay = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
const isoInstant = (d: unknown) => (d instanceof Date ? d.toISOString() : d);

const entries = (where: Where) => Object.entries(where).filter(([, v]) => v !== null && v !== undefined);

/** Predicate over node variable `v`, which can carry any of `labels` (more than one for unions). */
export function nodePredicate(where: Where | null | undefined, v: string, labels: readonly Label[], s: FilterScope): string | null {
  if (!where) return null;
  if (labels.length > 1) {
    // Union and interface filters have one branch per member type, keyed by the lowercased label; an
    // interface's filter (SpeakerWhere) also has the fields every member shares, which apply to each.
    const branchKeys = new Set(labels.map((label) => label.toLowerCase()));
    const shared = Object.fromEntries(entries(where).filter(([key]) => !branchKeys.has(key)));
    const given = labels.filter((label) => where[label.toLowerCase()] != null);
    if (!given.length && !Object.keys(shared).length) return null;
    const branches = (given.length ? given : labels).map((label) =>
      and([
        `${v}:${q(label)}`,
        given.length ? nodePredicate(where[label.toLowerCase()] as Where, v, [label], s) : null,
        nodePredicate(shared, v, [label], s),
      ]),
    );
    return or(branches);
  }
  const label = labels[0];
  const nodeModel = s.model.nodes.get(label);
  if (!nodeModel) throw new InvariantError(`no model for ${label}`);
  const parts: Array<string | null> = [];
  for (const [key, value] of entries(where)) {
    if (key === 'AND') parts.push(and((value as Where[]).map((x) => nodePredicate(x, v, labels, s))));
    else if (key === 'OR') parts.push(or((value as Where[]).map((x) => nodePredicate(x, v, labels, s) ?? 'true')));
    else if (key === 'NOT') {
      const inner = nodePredicate(value as Where, v, labels, s);
      // A predicate over a missing property is null, not false: its complement must still match that node.
      parts.push(inner ? `NOT coalesce(${inner}, false)` : 'false');
    } else if (label === 'Place' && key === 'near') parts.push(nearPredicate(value as Where, v, s));
    else if (label === 'Place' && key === 'inBox') parts.push(boxPredicate(value as Where, v, s));
    else if ((label === 'Place' || label === 'Unit') && key === 'within') parts.push(withinPredicate(value as Where, v, label, s));
    else if (nodeModel.relations.has(key)) parts.push(relationPredicate(nodeModel.relations.get(key)!, value as Where, v, label, s));
    else {
      const spec = nodeModel.properties.find((p) => p.name === key) ?? RECORD_FILTER_SPECS.find((p) => p.name === key);
      if (!spec) throw new InvariantError(`${label}Where.${key} is not in the model`);
      parts.push(propertyPredicate(spec, v, value as Where, s));
    }
  }
  return and(parts);
}

const RECORD_FILTER_SPECS: PropertySpec[] = [
  { name: 'id', kind: 'scalar', scalar: 'id', required: true },
  { name: 'createdAt', kind: 'scalar', scalar: 'dateTime', required: false },
  { name: 'updatedAt', kind: 'scalar', scalar: 'dateTime', required: false },
];

/** Predicate for one edge of a relationship: its properties on `r`, and its far node `t`. */
export function edgePredicate(match: Where | null | undefined, relation: RelationFieldModel, r: string, t: string, s: FilterScope): string | null {
  if (!match) return null;
  const props = s.model.edges.get(relation.relType)?.properties ?? [];
  const parts: Array<string | null> = [];
  for (const [key, value] of entries(match)) {
    if (key === 'node') parts.push(nodePredicate(value as Where, t, relation.targetLabels, s));
    else {
      const spec = props.find((p) => p.name === key);
      if (!spec) throw new InvariantError(`${relation.relType} has no property ${key}`);
      parts.push(propertyPredicate(spec, r, value as Where, s));
    }
  }
  return and(parts);
}

function relationPredicate(relation: RelationFieldModel, value: Where, v: string, label: Label, s: FilterScope): string | null {
  const r = s.w.variable('fr');
  const t = s.w.variable('ft');
  const rel = `[${r}:${q(relation.relType)}]`;
  const arrow = relation.direction === 'OUT' ? `-${rel}->` : `<-${rel}-`;
  const pattern = `(${v})${arrow}(${t}:${relation.targetLabels.map(q).join('|')})`;
  // A far node the principal may not see is not there: it neither matches `some` nor spoils `none` or `every`.
  const visible = s.w.visible(t, relation.targetLabels);
  const exists = (predicate: string | null) => {
    const where = and([visible, predicate]);
    return `EXISTS { MATCH ${pattern}${where ? ` WHERE ${where}` : ''} }`;
  };
  if (relation.cardinality === 'one') return exists(nodePredicate(value, t, relation.targetLabels, s));
  const parts: string[] = [];
  if (value.some) parts.push(exists(edgePredicate(value.some as Where, relation, r, t, s)));
  if (value.none) parts.push(`NOT ${exists(edgePredicate(value.none as Where, relation, r, t, s))}`);
  if (value.every) {
    const predicate = edgePredicate(value.every as Where, relation, r, t, s);
    // An edge whose far node lacks the property fails `every`, so null counts as false here too.
    if (predicate) parts.push(`NOT ${exists(`NOT coalesce(${predicate}, false)`)}`);
  }
  return and(parts);
}

function propertyPredicate(spec: PropertySpec, v: string, filter: Where, s: FilterScope): string | null {
  const { w } = s;
  // An enum with a default (a marking) is compared as it reads: absent is the default.
  const x = spec.kind === 'enum' && spec.default !== undefined ? `coalesce(${v}.${q(spec.name)}, ${enumLiteral(spec.default)})` : `${v}.${q(spec.name)}`;
  const parts: Array<string | null> = [];
  for (const [op, value] of entries(filter)) {
    if (spec.kind === 'stringList') {
      const p = w.param(String(value).toLowerCase());
      parts.push(
        op === 'includes'
          ? `any(e IN coalesce(${x}, []) WHERE toLower(e) = ${p})`
          : `any(e IN coalesce(${x}, []) WHERE toLower(e) CONTAINS ${p})`,
      );
    } else if (spec.kind === 'partialDate') {
      parts.push(partialDatePredicate(spec.name, v, op, value, s));
    } else {
      const isDateTime = spec.kind === 'scalar' && spec.scalar === 'dateTime';
      const param = (value: unknown) => (isDateTime ? `datetime(${w.param(isoInstant(value))})` : w.param(value));
      switch (op) {
        case 'eq':
          parts.push(`${x} = ${param(value)}`);
          break;
        case 'in':
          parts.push(`${x} IN ${w.param(value)}`);
          break;
        case 'contains':
          parts.push(`toLower(${x}) CONTAINS ${w.param(String(value).toLowerCase())}`);
          break;
        case 'startsWith':
          parts.push(`toLower(${x}) STARTS WITH ${w.param(String(value).toLowerCase())}`);
          break;
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte':
          parts.push(`${x} ${{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[op]} ${param(value)}`);
          break;
        default:
          throw new InvariantError(`unknown operator ${op}`);
      }
    }
  }
  return and(parts);
}

function partialDatePredicate(name: string, v: string, op: string, value: unknown, s: FilterScope): string | null {
  const start = `${v}.${q(name + 'Start')}`;
  const end = `${v}.${q(name + 'End')}`;
  const date = (d: unknown) => `date(${s.w.param(isoDay(d))})`;
  const raw = value as { from?: unknown; to?: unknown };
  const range = { from: isoDay(raw?.from) as string | null | undefined, to: isoDay(raw?.to) as string | null | undefined };
  if ((op === 'overlaps' || op === 'within') && range.from && range.to && range.from > range.to) {
    throw badUserInput(`${name}.${op}: from (${range.from}) is after to (${range.to}).`, 'where', s.field);
  }
  switch (op) {
    case 'overlaps':
      return and([range.to ? `${start} <= ${date(range.to)}` : `${start} IS NOT NULL`, range.from ? `${end} >= ${date(range.from)}` : null]);
    case 'within':
      return and([range.from ? `${start} >= ${date(range.from)}` : `${start} IS NOT NULL`, range.to ? `${end} <= ${date(range.to)}` : null]);
    case 'onOrBefore':
      return `${end} <= ${date(value)}`;
    case 'onOrAfter':
      return `${start} >= ${date(value)}`;
    case 'precision':
      return `${v}.${q(name + 'Precision')} IN ${s.w.param(value)}`;
    default:
      throw new InvariantError(`unknown date operator ${op}`);
  }
}

function checkCoordinates(latitude: number, longitude: number, argument: string, s: FilterScope) {
  if (!(Math.abs(latitude) <= 90)) throw badUserInput(`${argument}: latitude must be between -90 and 90; got ${latitude}.`, argument, s.field);
  if (!(Math.abs(longitude) <= 180)) throw badUserInput(`${argument}: longitude must be between -180 and 180; got ${longitude}.`, argument, s.field);
}

/** Within a radius of a point or a place; the radius and centre are checked before the database is touched. */
function nearPredicate(near: Where, v: string, s: FilterScope): string {
  const radiusKm = near.radiusKm as number;
  if (!(radiusKm > 0) || radiusKm > MAX_RADIUS_KM) {
    throw badUserInput(`near.radiusKm must be more than 0 and at most ${MAX_RADIUS_KM}; got ${radiusKm}.`, 'where.near.radiusKm', s.field);
  }
  const centre = near as GeoCentre;
  checkCentre(centre, { point: 'where.near.point', placeId: 'where.near.placeId' }, s.field);
  return `point.distance(${v}.location, ${centreExpression(centre, s.w)}) <= ${s.w.param(radiusKm * 1000)}`;
}

function boxPredicate(box: Where, v: string, s: FilterScope): string {
  const { south, west, north, east } = box as Record<string, number>;
  checkCoordinates(south, west, 'where.inBox', s);
  checkCoordinates(north, east, 'where.inBox', s);
  if (south > north) throw badUserInput('inBox.south must not be north of inBox.north.', 'where.inBox', s.field);
  if (west > east) throw badUserInput('inBox.west must not be east of inBox.east (antimeridian boxes are not supported).', 'where.inBox', s.field);
  const corner = (lat: number, lon: number) => `point({latitude: ${s.w.param(lat)}, longitude: ${s.w.param(lon)}})`;
  return `point.withinBBox(${v}.location, ${corner(south, west)}, ${corner(north, east)})`;
}

/** Part of a place (or formation) at any depth through PART_OF, optionally counting itself. */
function withinPredicate(within: Where, v: string, label: Label, s: FilterScope): string {
  const idKey = label === 'Place' ? 'placeId' : 'unitId';
  const id = within[idKey] as string;
  const argument = `where.within.${idKey}`;
  let idLabel;
  try {
    idLabel = requireLabelOfId(id, argument);
  } catch {
    idLabel = null;
  }
  if (idLabel !== label) throw badUserInput(`${String(id).slice(0, 80)} is not a ${label.toLowerCase()} id.`, argument, s.field);
  const p = s.w.param(id);
  const inside = `EXISTS { MATCH (${v})-[:PART_OF*1..]->(:${q(label)} {id: ${p}}) }`;
  return within.includeSelf === false ? inside : `(${v}.id = ${p} OR ${inside})`;
}
