import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LABELS, labelOfId, type Label } from '../ids.js';
import type { GraphModel, PropertySpec } from '../model/graphModel.js';
import { formatPath, issuePath, type BundleIssue, type RecordItem, type RecordLocation } from './records.js';

export type { BundleIssue } from './records.js';

/**
 * The bundle format: claimgraph's interchange format for import, export and the sample data.
 *   { format: "claimgraph-bundle", version: 1, nodes: [{label, id, properties}], edges: [{type, from, to, properties}] }
 * Properties are validated against the graph model read from the SDL, so the format follows the schema.
 * The same validator checks every input format record by record (see BundleValidator below).
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

/** C0 control characters other than tab, line feed and carriage return: no format claimgraph writes can carry them all. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const text = (min = 0) =>
  z
    .string()
    .min(min, 'must not be empty')
    .max(MAX_STRING_LENGTH, `must be at most ${MAX_STRING_LENGTH} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters (other than tab and line breaks)')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode (no lone surrogates)');

/** Extra rules a GraphQL type cannot say. */
const REFINEMENTS: Record<string, z.ZodTypeAny> = {
  side: z.string().regex(/^([A-Z]{2}|NEUTRAL|UNKNOWN)$/, 'must be an ISO 3166-1 alpha-2 code, NEUTRAL or UNKNOWN'),
  credibility: z.number().int().min(1).max(6),
  language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP-47 language tag'),
  url: z.string().url().max(4096),
  name: text(1),
  title: text(1),
  text: text(1),
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
      return z.enum(spec.values as [string, ...string[]], {
        errorMap: () => ({ message: `must be one of ${spec.values.join(', ')}` }),
      });
    case 'stringList':
      return z.array(text(1)).max(1000);
    case 'partialDate':
      return partialDateSchema;
    case 'geoPoint':
      return geoPointSchema;
    case 'scalar':
      if (refined) return refined;
      switch (spec.scalar) {
        case 'int':
          // GraphQL's Int: a signed 32-bit integer
          return z.number().int().min(-2147483648).max(2147483647);
        case 'float':
        case 'latitude':
        case 'longitude':
          return z.number().finite();
        case 'boolean':
          return z.boolean();
        case 'date':
          return isoDate;
        case 'dateTime':
          return z.string().datetime({ offset: true, message: 'must be an ISO date-time like 2024-12-20T10:00:00Z' });
        default:
          return text();
      }
  }
}

/** The zod shape of a properties object for the given model properties. */
export function propertiesSchema(specs: PropertySpec[]) {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const spec of specs) {
    const schema = valueSchema(spec);
    shape[spec.name] = spec.required && spec.kind !== 'stringList' ? schema : schema.optional();
    if (spec.kind === 'geoPoint') shape[`${spec.name}PrecisionM`] = z.number().int().min(0).max(2147483647).optional();
  }
  return z.object(shape).strict();
}

const idSchema = z.string().refine((id) => labelOfId(id) !== null, 'is not a valid id (like place:kupyansk)');

export const bundleNodeSchema = z
  .object({ label: z.enum(LABELS, { errorMap: () => ({ message: `unknown label; known: ${LABELS.join(', ')}` }) }), id: idSchema, properties: z.record(z.unknown()).default({}) })
  .strict()
  .refine((n) => labelOfId(n.id) === n.label, { message: 'id prefix does not match label', path: ['id'] });
export const bundleEdgeSchema = z
  .object({ type: z.string().max(200), from: idSchema, to: idSchema, properties: z.record(z.unknown()).default({}) })
  .strict();

export type BundleNode = { label: Label; id: string; properties: Record<string, unknown> };
export type BundleEdge = { type: string; from: string; to: string; properties: Record<string, unknown> };
export interface Bundle {
  format: 'claimgraph-bundle';
  version: 1;
  nodes: BundleNode[];
  edges: BundleEdge[];
}

/** Issues kept in full; past this only their number is. */
export const MAX_REPORTED_ISSUES = 100;

const where = (issue: BundleIssue) =>
  `${issue.file ?? ''}${issue.line !== undefined ? `${issue.file ? ':' : 'line '}${issue.line}` : ''}${issue.file || issue.line !== undefined ? ': ' : ''}`;

export class BundleValidationError extends Error {
  override name = 'BundleValidationError';
  constructor(
    readonly issues: BundleIssue[],
    /** How many problems there were in all (issues keeps the first MAX_REPORTED_ISSUES). */
    readonly total = issues.length,
  ) {
    super(
      `The bundle is invalid (${total} problem${total === 1 ? '' : 's'}):\n` +
        issues
          .slice(0, 20)
          .map((i) => `  ${where(i)}${i.path}: ${i.message}`)
          .join('\n') +
        (total > 20 ? `\n  … and ${total - 20} more` : ''),
    );
  }
}

export type ValidRecord = { kind: 'node'; node: BundleNode } | { kind: 'edge'; edge: BundleEdge };

const digest = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64');

/**
 * Validates a bundle one record at a time, whatever format it came in: shapes, enums, dates, ids, labels,
 * edge types and the labels of their endpoints, duplicate ids (or edges) with different properties. It
 * keeps an index of ids and edge identities (with a digest of their properties), not the records, so its
 * memory grows with the number of records but not with their size. A record given twice with the same
 * properties is accepted once; `add` returns null for the repeat.
 */
export class BundleValidator {
  readonly issues: BundleIssue[] = [];
  total = 0;
  nodes = 0;
  edges = 0;
  /** False once an edge came before a node it points at (then nodes must all be written first). */
  ordered = true;
  private readonly nodeSchemas: Map<string, z.ZodTypeAny>;
  private readonly edgeSchemas: Map<string, z.ZodTypeAny>;
  private readonly nodeIndex = new Map<string, string>();
  private readonly edgeIndex = new Map<string, string>();
  /** Endpoints not (yet) seen as nodes, with where they were first used. */
  private readonly pending = new Map<string, BundleIssue>();

  constructor(private readonly model: GraphModel) {
    this.nodeSchemas = new Map([...model.nodes].map(([label, m]) => [label, propertiesSchema(m.properties)]));
    this.edgeSchemas = new Map([...model.edges].map(([type, m]) => [type, propertiesSchema(m.properties)]));
  }

  /** Distinct nodes and edges accepted so far. */
  get distinctNodes(): number {
    return this.nodeIndex.size;
  }
  get distinctEdges(): number {
    return this.edgeIndex.size;
  }

  get valid(): boolean {
    return this.total === 0;
  }

  report(issue: BundleIssue): void {
    this.total++;
    if (this.issues.length < MAX_REPORTED_ISSUES) {
      this.issues.push({ ...issue, path: issue.path.slice(0, 200), message: issue.message.slice(0, 500) });
    }
  }

  private at(loc: RecordLocation, inner: ReadonlyArray<string | number>, message: string) {
    this.report({ ...(loc.file !== undefined ? { file: loc.file } : {}), ...(loc.line !== undefined ? { line: loc.line } : {}), path: issuePath(loc, inner), message });
  }

  private zodIssues(loc: RecordLocation, prefix: Array<string | number>, error: z.ZodError) {
    for (const issue of error.issues) this.at(loc, [...prefix, ...issue.path], issue.message);
  }

  /** Checks one item from a reader; returns the record in normalised form, or null when it is invalid or a repeat. */
  add(item: RecordItem): ValidRecord | null {
    if (item.kind === 'issue') {
      this.report(item.issue);
      return null;
    }
    if (item.kind === 'node') {
      this.nodes++;
      const node = this.node(item.value, item.loc);
      return node ? { kind: 'node', node } : null;
    }
    this.edges++;
    const edge = this.edge(item.value, item.loc);
    return edge ? { kind: 'edge', edge } : null;
  }

  private node(raw: unknown, loc: RecordLocation): BundleNode | null {
    const parsed = bundleNodeSchema.safeParse(raw);
    if (!parsed.success) {
      this.zodIssues(loc, [], parsed.error);
      return null;
    }
    const props = this.nodeSchemas.get(parsed.data.label)!.safeParse(parsed.data.properties);
    if (!props.success) {
      this.zodIssues(loc, ['properties'], props.error);
      return null;
    }
    const node: BundleNode = { label: parsed.data.label, id: parsed.data.id, properties: props.data };
    const hash = digest(node.properties);
    const seen = this.nodeIndex.get(node.id);
    if (seen !== undefined) {
      if (seen !== hash) this.at(loc, ['id'], `duplicate id ${node.id} with different properties`);
      return null;
    }
    this.nodeIndex.set(node.id, hash);
    return node;
  }

  private edge(raw: unknown, loc: RecordLocation): BundleEdge | null {
    const parsed = bundleEdgeSchema.safeParse(raw);
    if (!parsed.success) {
      this.zodIssues(loc, [], parsed.error);
      return null;
    }
    const { type, from, to } = parsed.data;
    const edgeModel = this.model.edges.get(type);
    if (!edgeModel) {
      this.at(loc, ['type'], `unknown edge type ${type.slice(0, 80)}; known: ${[...this.model.edges.keys()].join(', ')}`);
      return null;
    }
    const fromLabel = labelOfId(from)!;
    const toLabel = labelOfId(to)!;
    if (!edgeModel.endpoints.some((e) => e.from === fromLabel && e.to === toLabel)) {
      this.at(loc, [], `${type} cannot go from a ${fromLabel} to a ${toLabel}`);
      return null;
    }
    const props = this.edgeSchemas.get(type)!.safeParse(parsed.data.properties);
    if (!props.success) {
      this.zodIssues(loc, ['properties'], props.error);
      return null;
    }
    if (edgeModel.key && props.data[edgeModel.key] === undefined) {
      this.at(loc, ['properties', edgeModel.key], `${type} needs ${edgeModel.key}`);
      return null;
    }
    const identity = edgeIdentity(type, from, to, edgeModel.key ? props.data[edgeModel.key] : undefined);
    const hash = digest(props.data);
    const previous = this.edgeIndex.get(identity);
    if (previous !== undefined) {
      if (previous !== hash) this.at(loc, [], `duplicate ${type} edge ${from} → ${to} with different properties`);
      return null;
    }
    this.edgeIndex.set(identity, hash);
    for (const id of [from, to]) {
      if (!this.nodeIndex.has(id) && !this.pending.has(id)) {
        this.pending.set(id, { ...(loc.file !== undefined ? { file: loc.file } : {}), ...(loc.line !== undefined ? { line: loc.line } : {}), path: issuePath(loc, [id === from ? 'from' : 'to']), message: '' });
      }
    }
    return { type, from, to, properties: props.data };
  }

  /**
   * After the last record: the endpoints that are not in the bundle (the importer looks them up in the
   * database), each with where it was first used. Also settles `ordered`.
   */
  externalEndpoints(): Map<string, BundleIssue> {
    const external = new Map<string, BundleIssue>();
    for (const [id, loc] of this.pending) {
      if (this.nodeIndex.has(id)) this.ordered = false;
      else external.set(id, loc);
    }
    return external;
  }
}

/** What identifies one edge: its type, endpoints and (for keyed types) the key property's value. */
export function edgeIdentity(type: string, from: string, to: string, key: unknown): string {
  return `${type}|${from}|${to}|${key === undefined || key === null ? '' : String(key)}`;
}

/** The records of a bundle held in memory as an object, with paths like nodes[3]. */
export function* readBundleObject(input: unknown): Generator<RecordItem> {
  const top = z
    .object({ format: z.literal('claimgraph-bundle'), version: z.literal(1), nodes: z.array(z.unknown()), edges: z.array(z.unknown()) })
    .strict()
    .safeParse(input);
  if (!top.success) {
    for (const i of top.error.issues) yield { kind: 'issue', issue: { path: formatPath(i.path) || '(bundle)', message: i.message } };
    return;
  }
  for (let i = 0; i < top.data.nodes.length; i++) yield { kind: 'node', value: top.data.nodes[i], loc: { path: `nodes[${i}]` } };
  for (let i = 0; i < top.data.edges.length; i++) yield { kind: 'edge', value: top.data.edges[i], loc: { path: `edges[${i}]` } };
}

/**
 * Validates a whole bundle held in memory before anything is written. Endpoints outside the bundle are
 * returned for the importer to look up in the database.
 */
export function validateBundle(input: unknown, model: GraphModel): { bundle: Bundle; externalIds: string[] } {
  const validator = new BundleValidator(model);
  const nodes: BundleNode[] = [];
  const edges: BundleEdge[] = [];
  for (const item of readBundleObject(input)) {
    const record = validator.add(item);
    if (record?.kind === 'node') nodes.push(record.node);
    else if (record?.kind === 'edge') edges.push(record.edge);
  }
  const external = validator.externalEndpoints();
  if (!validator.valid) throw new BundleValidationError(validator.issues, validator.total);
  return { bundle: { format: 'claimgraph-bundle', version: 1, nodes, edges }, externalIds: [...external.keys()] };
}
