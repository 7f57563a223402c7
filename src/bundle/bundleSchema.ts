import { z } from 'zod';
import { LABELS, labelOfId, type Label } from '../ids.js';
import type { GraphModel, PropertySpec } from '../model/graphModel.js';

/**
 * The bundle format: claimgraph's interchange format for import, export and the sample data.
 *   { format: "claimgraph-bundle", version: 1, nodes: [{label, id, properties}], edges: [{type, from, to, properties}] }
 * Properties are validated against the graph model read from the SDL, so the format follows the schema.
 */

export const MAX_STRING_LENGTH = 100_000;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a calendar date');

export const partialDateSchema = z
  .object({
    start: isoDate,
    end: isoDate,
    precision: z.enum(['DAY', 'WEEK', 'MONTH', 'YEAR']),
    raw: z.string().max(500).optional(),
    relativeTo: isoDate.optional(),
  })
  .strict()
  .refine((d) => d.start <= d.end, { message: 'start must not be after end', path: ['end'] });
export type PartialDateInput = z.infer<typeof partialDateSchema>;

export const geoPointSchema = z
  .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
  .strict();

const text = z.string().max(MAX_STRING_LENGTH, `must be at most ${MAX_STRING_LENGTH} characters`);

/** Extra rules a GraphQL type cannot say. */
const REFINEMENTS: Record<string, z.ZodTypeAny> = {
  side: z.string().regex(/^([A-Z]{2}|NEUTRAL|UNKNOWN)$/, 'must be an ISO 3166-1 alpha-2 code, NEUTRAL or UNKNOWN'),
  credibility: z.number().int().min(1).max(6),
  language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP-47 language tag'),
  url: z.string().url().max(4096),
  name: text.min(1),
  title: text.min(1),
  text: text.min(1),
  charStart: z.number().int().min(0),
  charEnd: z.number().int().min(0),
  offsetM: z.number().min(0),
  bearing: z.number().min(0).lt(360),
  areaKm2: z.number().min(0),
};

function valueSchema(spec: PropertySpec): z.ZodTypeAny {
  const refined = REFINEMENTS[spec.name];
  switch (spec.kind) {
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
    case 'stringList':
      return z.array(text.min(1)).max(1000);
    case 'partialDate':
      return partialDateSchema;
    case 'geoPoint':
      return geoPointSchema;
    case 'scalar':
      if (refined) return refined;
      switch (spec.scalar) {
        case 'int':
          return z.number().int();
        case 'float':
        case 'latitude':
        case 'longitude':
          return z.number().finite();
        case 'boolean':
          return z.boolean();
        case 'date':
          return isoDate;
        default:
          return text;
      }
  }
}

/** The zod shape of a properties object for the given model properties. */
export function propertiesSchema(specs: PropertySpec[]) {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const spec of specs) {
    const schema = valueSchema(spec);
    shape[spec.name] = spec.required && spec.kind !== 'stringList' ? schema : schema.optional();
    if (spec.kind === 'geoPoint') shape[`${spec.name}PrecisionM`] = z.number().int().min(0).optional();
  }
  return z.object(shape).strict();
}

const idSchema = z.string().refine((id) => labelOfId(id) !== null, 'is not a valid id (like place:kupyansk)');

export const bundleNodeSchema = z
  .object({ label: z.enum(LABELS), id: idSchema, properties: z.record(z.unknown()).default({}) })
  .strict()
  .refine((n) => labelOfId(n.id) === n.label, { message: 'id prefix does not match label', path: ['id'] });
export const bundleEdgeSchema = z
  .object({ type: z.string(), from: idSchema, to: idSchema, properties: z.record(z.unknown()).default({}) })
  .strict();

export type BundleNode = { label: Label; id: string; properties: Record<string, unknown> };
export type BundleEdge = { type: string; from: string; to: string; properties: Record<string, unknown> };
export interface Bundle {
  format: 'claimgraph-bundle';
  version: 1;
  nodes: BundleNode[];
  edges: BundleEdge[];
}

export interface BundleIssue {
  /** Where: e.g. nodes[3].properties.statedAt.start */
  path: string;
  message: string;
}

export class BundleValidationError extends Error {
  override name = 'BundleValidationError';
  constructor(readonly issues: BundleIssue[]) {
    super(
      `The bundle is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.slice(0, 20).map((i) => `  ${i.path}: ${i.message}`).join('\n'),
    );
  }
}

const formatPath = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/**
 * Validates a whole bundle before anything is written: shapes, enums, dates, ids, duplicate ids with
 * different properties, edge types and the labels of their endpoints. Endpoints outside the bundle are
 * returned for the importer to look up in the database.
 */
export function validateBundle(input: unknown, model: GraphModel): { bundle: Bundle; externalIds: string[] } {
  const issues: BundleIssue[] = [];
  const top = z
    .object({ format: z.literal('claimgraph-bundle'), version: z.literal(1), nodes: z.array(z.unknown()), edges: z.array(z.unknown()) })
    .strict()
    .safeParse(input);
  if (!top.success) throw new BundleValidationError(top.error.issues.map((i) => ({ path: formatPath(i.path) || '(bundle)', message: i.message })));

  const nodeSchemas = new Map([...model.nodes].map(([label, m]) => [label, propertiesSchema(m.properties)]));
  const nodes: BundleNode[] = [];
  const byId = new Map<string, BundleNode>();
  top.data.nodes.forEach((raw, i) => {
    const parsed = bundleNodeSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: formatPath(['nodes', i, ...issue.path]), message: issue.message });
      return;
    }
    const props = nodeSchemas.get(parsed.data.label)!.safeParse(parsed.data.properties);
    if (!props.success) {
      for (const issue of props.error.issues)
        issues.push({ path: formatPath(['nodes', i, 'properties', ...issue.path]), message: issue.message });
      return;
    }
    const node: BundleNode = { label: parsed.data.label, id: parsed.data.id, properties: props.data };
    const seen = byId.get(node.id);
    if (seen && JSON.stringify(seen.properties) !== JSON.stringify(node.properties)) {
      issues.push({ path: formatPath(['nodes', i, 'id']), message: `duplicate id ${node.id} with different properties` });
      return;
    }
    if (!seen) {
      byId.set(node.id, node);
      nodes.push(node);
    }
  });

  const edgeSchemas = new Map([...model.edges].map(([type, m]) => [type, propertiesSchema(m.properties)]));
  const edges: BundleEdge[] = [];
  const externalIds = new Set<string>();
  const edgeKeys = new Map<string, string>();
  top.data.edges.forEach((raw, i) => {
    const parsed = bundleEdgeSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: formatPath(['edges', i, ...issue.path]), message: issue.message });
      return;
    }
    const { type, from, to } = parsed.data;
    const edgeModel = model.edges.get(type);
    if (!edgeModel) {
      issues.push({ path: formatPath(['edges', i, 'type']), message: `unknown edge type ${type}; known: ${[...model.edges.keys()].join(', ')}` });
      return;
    }
    const fromLabel = labelOfId(from)!;
    const toLabel = labelOfId(to)!;
    if (!edgeModel.endpoints.some((e) => e.from === fromLabel && e.to === toLabel)) {
      issues.push({ path: formatPath(['edges', i]), message: `${type} cannot go from a ${fromLabel} to a ${toLabel}` });
      return;
    }
    const props = edgeSchemas.get(type)!.safeParse(parsed.data.properties);
    if (!props.success) {
      for (const issue of props.error.issues)
        issues.push({ path: formatPath(['edges', i, 'properties', ...issue.path]), message: issue.message });
      return;
    }
    if (edgeModel.key && props.data[edgeModel.key] === undefined) {
      issues.push({ path: formatPath(['edges', i, 'properties', edgeModel.key]), message: `${type} needs ${edgeModel.key}` });
      return;
    }
    const identity = `${type}|${from}|${to}|${edgeModel.key ? String(props.data[edgeModel.key]) : ''}`;
    const serialized = JSON.stringify(props.data);
    const previous = edgeKeys.get(identity);
    if (previous !== undefined) {
      if (previous !== serialized) issues.push({ path: formatPath(['edges', i]), message: `duplicate ${type} edge ${from} → ${to} with different properties` });
      return;
    }
    edgeKeys.set(identity, serialized);
    for (const id of [from, to]) if (!byId.has(id)) externalIds.add(id);
    edges.push({ type, from, to, properties: props.data });
  });

  if (issues.length) throw new BundleValidationError(issues);
  return { bundle: { format: 'claimgraph-bundle', version: 1, nodes, edges }, externalIds: [...externalIds] };
}
