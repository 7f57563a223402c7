import { checkProperties } from '../../validation/propertyRules.js';
import type { GraphModel, PropertySpec } from '../../model/graphModel.js';
import type { Label } from '../../ids.js';
import type { Properties } from '../../changelog/propertyValues.js';
import { problemsAsUserErrors, userError, type Path, type UserError } from './userErrors.js';

/**
 * A mutation's input as bundle properties, and their validation. Inputs name properties as the model
 * does (schema/*.graphql: UpsertActorInput.kind is Actor.kind), so one mapping serves every type and
 * relationship. Validation is the importer's own (src/validation/propertyRules.ts): what one refuses, the
 * other does.
 */

/** Properties a mutation never takes from its input: kept as they are by upserts and updates. */
export const PROTECTED_PROPERTIES: Partial<Record<Label, readonly string[]>> = {
  Statement: ['retractedAt', 'retractionReason'],
};

/** The properties of a label an upsert or update writes. */
export function writableSpecs(model: GraphModel, label: Label): PropertySpec[] {
  const protectedNames = PROTECTED_PROPERTIES[label] ?? [];
  return model.nodes.get(label)!.properties.filter((s) => !protectedNames.includes(s.name));
}

/** The Date scalar parses into a JS Date; bundles carry YYYY-MM-DD. */
const isoDay = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : value);

function partialDateOf(value: Record<string, unknown>): Properties {
  const out: Properties = { start: isoDay(value.start), end: isoDay(value.end), precision: value.precision };
  if (value.raw !== undefined && value.raw !== null) out.raw = value.raw;
  if (value.relativeTo !== undefined && value.relativeTo !== null) out.relativeTo = isoDay(value.relativeTo);
  return out;
}

/** The bundle properties an input gives (for the specs named in it; null and absent give nothing). */
export function inputProperties(specs: readonly PropertySpec[], input: Record<string, unknown>): Properties {
  const out: Properties = {};
  for (const spec of specs) {
    const value = input[spec.name];
    if (value === undefined || value === null) continue;
    if (spec.kind === 'partialDate') out[spec.name] = partialDateOf(value as Record<string, unknown>);
    else if (spec.kind === 'geoPoint') {
      const { latitude, longitude, precisionM } = value as Record<string, unknown>;
      out[spec.name] = { latitude, longitude };
      if (precisionM !== undefined && precisionM !== null) out[`${spec.name}PrecisionM`] = precisionM;
    } else out[spec.name] = value;
  }
  return out;
}

/** A property name as a value of the <Type>Field enums: areaKm2 → AREA_KM2. */
export const fieldEnumName = (property: string) => property.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The properties one spec stores in bundle form (a point brings its precision). */
const keysOf = (spec: PropertySpec) => (spec.kind === 'geoPoint' ? [spec.name, `${spec.name}PrecisionM`] : [spec.name]);

/**
 * A partial update: `current` with the properties in `set` replaced and those in `unset` (enum values)
 * removed. Null in `set` clears like `unset`. Clearing a required property, or setting and clearing the
 * same one, is an error.
 */
export function applyPatch(
  specs: readonly PropertySpec[],
  current: Properties,
  set: Record<string, unknown> | null | undefined,
  unset: readonly string[] | null | undefined,
  prefix: Path,
): { props: Properties; errors: UserError[] } {
  const errors: UserError[] = [];
  const props: Properties = { ...current };
  const cleared = new Set<string>();
  (unset ?? []).forEach((value, i) => {
    const spec = specs.find((s) => fieldEnumName(s.name) === value);
    if (!spec) return; // not a property (e.g. a statement's ON_BEHALF_OF): the caller handles it
    if (set && set[spec.name] !== undefined && set[spec.name] !== null) {
      errors.push(userError([...prefix, 'unset', i], `${spec.name} is both set and unset`, 'INVALID'));
    }
    cleared.add(spec.name);
  });
  for (const spec of specs) {
    const value = set?.[spec.name];
    if (value === undefined) continue;
    if (value === null) cleared.add(spec.name);
    else {
      for (const key of keysOf(spec)) delete props[key];
      Object.assign(props, inputProperties([spec], { [spec.name]: value }));
    }
  }
  for (const name of cleared) {
    const spec = specs.find((s) => s.name === name)!;
    if (spec.required && spec.kind !== 'stringList') {
      errors.push(userError([...prefix, 'set', name], `${name} is required and cannot be cleared`, 'REQUIRED'));
    }
    for (const key of keysOf(spec)) delete props[key];
  }
  return { props, errors };
}

/** A bundle property path as the input's: a point's `locationPrecisionM` is the input's `location.precisionM`. */
export function inputPath(specs: readonly PropertySpec[]): (path: Path) => Path {
  return (path) => {
    const head = String(path[0] ?? '');
    const point = specs.find((s) => s.kind === 'geoPoint' && `${s.name}PrecisionM` === head);
    return point ? [point.name, 'precisionM', ...path.slice(1)] : path;
  };
}

/** Every problem with bundle-form properties (the rules of src/validation/propertyRules.ts), as user errors under `prefix`. */
export function validateProperties(specs: readonly PropertySpec[], props: Properties, prefix: Path): UserError[] {
  return problemsAsUserErrors(checkProperties(specs, props).problems, prefix, inputPath(specs));
}
