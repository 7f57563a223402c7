import { badUserInput, InvariantError } from '../errors.js';
import { LABELS, labelOfId } from '../ids.js';
import { DISPLAY_PROPERTY } from '../model/displayName.js';
import type { CypherWriter } from './printCypher.js';

/**
 * Fields marked @computed in the SDL: each is a Cypher expression over the node variable, printed by the
 * planner with its arguments as parameters.
 */

export interface GeoCentre {
  point?: { latitude: number; longitude: number } | null;
  placeId?: string | null;
}

/** Checks a centre given as a point or a place id (exactly one); BAD_USER_INPUT names `argument`. */
export function checkCentre(centre: GeoCentre, names: { point: string; placeId: string }, field: string): void {
  if ((centre.point == null) === (centre.placeId == null)) {
    throw badUserInput(`Give exactly one of ${names.point} and ${names.placeId}.`, names.point, field);
  }
  if (centre.point) {
    const { latitude, longitude } = centre.point;
    if (!(Math.abs(latitude) <= 90)) throw badUserInput(`${names.point}.latitude must be between -90 and 90; got ${latitude}.`, names.point, field);
    if (!(Math.abs(longitude) <= 180))
      throw badUserInput(`${names.point}.longitude must be between -180 and 180; got ${longitude}.`, names.point, field);
  } else if (labelOfId(centre.placeId!) !== 'Place') {
    throw badUserInput(`${String(centre.placeId).slice(0, 80)} is not a place id.`, names.placeId, field);
  }
}

/** The centre as a Cypher point expression (a place's location is looked up in the same query). */
export function centreExpression(centre: GeoCentre, w: CypherWriter): string {
  if (centre.point) {
    return `point({latitude: ${w.param(centre.point.latitude)}, longitude: ${w.param(centre.point.longitude)}})`;
  }
  return `head(COLLECT { MATCH (centre:Place {id: ${w.param(centre.placeId)}}) RETURN centre.location })`;
}

type Computed = (v: string, args: Record<string, unknown>, w: CypherWriter, field: string) => string;

const COMPUTED: Record<string, Computed> = {
  'Place.distanceKm': (v, args, w, field) => {
    const centre = { point: args.from as GeoCentre['point'], placeId: args.fromPlace as string | null };
    checkCentre(centre, { point: 'from', placeId: 'fromPlace' }, field);
    return `point.distance(${v}.location, ${centreExpression(centre, w)}) / 1000.0`;
  },
  // The property and the id, shaped into one line of at most 80 characters by the type's displayName
  // resolver, with the same code the exports use (src/model/displayName.ts).
  ...Object.fromEntries(LABELS.map((label): [string, Computed] => [`${label}.displayName`, (v) => `[${v}.\`${DISPLAY_PROPERTY[label]}\`, ${v}.id]`])),
};

export function computedExpression(name: string, v: string, args: Record<string, unknown>, w: CypherWriter): string {
  const computed = COMPUTED[name];
  if (!computed) throw new InvariantError(`no computation for ${name}`);
  return computed(v, args, w, name);
}

/** Validates a computed field's arguments at planning time, before the database is touched. */
export function checkComputedArgs(name: string, args: Record<string, unknown>): void {
  const probe = { param: () => '$x', variable: () => 'x' } as unknown as CypherWriter;
  computedExpression(name, 'n', args, probe);
}
