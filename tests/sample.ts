import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { PropertySpec } from '../src/model/graphModel.js';
import type { Label } from '../src/ids.js';
import { model } from './harness.js';

/**
 * The sample bundle (src/sample/kupyansk.json) read straight from disk, and helpers that turn its
 * properties into what the API should answer. Tests compare the API against this file, never against
 * the code under test.
 */

export interface SampleNode {
  label: Label;
  id: string;
  properties: Record<string, any>;
}
export interface SampleEdge {
  type: string;
  from: string;
  to: string;
  properties: Record<string, any>;
}

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const sample: { format: string; version: number; nodes: SampleNode[]; edges: SampleEdge[] } = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'src/sample/kupyansk.json'), 'utf8'),
);

/** The report the sample models; CI keeps it beside the repository. */
export const articleText = readFileSync(path.resolve(REPO_ROOT, '../shared/seeds/kupyansk-article.txt'), 'utf8');

export const sampleNode = (id: string): SampleNode => {
  const node = sample.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`the sample has no node ${id}`);
  return node;
};

export const sampleNodesOf = (label: Label): SampleNode[] => sample.nodes.filter((n) => n.label === label);

/** The label an id's prefix names, read from the id itself (not via src/ids.ts). */
export const labelOf = (id: string): Label => {
  const prefix = id.slice(0, id.indexOf(':'));
  return (prefix.charAt(0).toUpperCase() + prefix.slice(1)) as Label;
};

/** The GraphQL selection of one property. */
export function selectionOf(spec: PropertySpec): string {
  if (spec.kind === 'partialDate') return `${spec.name} { start end precision raw relativeTo }`;
  if (spec.kind === 'geoPoint') return `${spec.name} { latitude longitude precisionM }`;
  return spec.name;
}

/** What the API should answer for one property, given the bundle's properties object. */
export function expectedValue(spec: PropertySpec, props: Record<string, any>): unknown {
  const value = props[spec.name];
  if (spec.kind === 'partialDate') {
    if (value === undefined) return null;
    return { start: value.start, end: value.end, precision: value.precision, raw: value.raw ?? null, relativeTo: value.relativeTo ?? null };
  }
  if (spec.kind === 'geoPoint') {
    if (value === undefined) return null;
    return { latitude: value.latitude, longitude: value.longitude, precisionM: props[`${spec.name}PrecisionM`] ?? null };
  }
  if (spec.kind === 'stringList') return value ?? [];
  // An enum with a default (a marking) reads as the default when the bundle leaves it out.
  if (spec.kind === 'enum' && spec.default !== undefined) return value ?? spec.default;
  return value ?? null;
}

/** Every stored property of a label, as a GraphQL selection. */
export function propertiesSelection(label: Label): string {
  return model.nodes.get(label)!.properties.map(selectionOf).join(' ');
}

/** What the API should answer for every stored property of a bundle node. */
export function expectedProperties(node: SampleNode): Record<string, unknown> {
  return Object.fromEntries(model.nodes.get(node.label)!.properties.map((spec) => [spec.name, expectedValue(spec, node.properties)]));
}

/** Root field names per label: `actor(id:)` and `actors`. */
export const ROOT_FIELDS: Record<Label, { byId: string; list: string }> = {
  Actor: { byId: 'actor', list: 'actors' },
  Unit: { byId: 'unit', list: 'units' },
  Place: { byId: 'place', list: 'places' },
  Statement: { byId: 'statement', list: 'statements' },
  Source: { byId: 'source', list: 'sources' },
};

export const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Plain ascending order of ids (Cypher orders strings by code point; the sample's ids are ASCII). */
export const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A result as a client receives it over HTTP. `executeOperation` hands back serialized values without the
 * JSON step, and graphql-scalars' DateTime serializes to a JS Date, which only JSON turns into ISO text.
 */
export const onTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value));
