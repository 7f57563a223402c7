// A namespace import: a named import of `hash` would fail to load on a Node without it.
import * as crypto from 'node:crypto';
import { z } from 'zod';
import { LABELS, type Label } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import type { Problem } from '../validation/problem.js';
import { checkProperties, zodProblems } from '../validation/propertyRules.js';
import { checkEdge, idProblem } from '../validation/recordRules.js';
import { forbiddenKeyMessage, forbiddenKeyPath } from '../validation/textRules.js';
import { GraphRules, type ReadQuery } from '../validation/graphRules.js';
import { formatPath, issuePath, type BundleIssue, type RecordItem, type RecordLocation } from './records.js';
import { DigestIndex, type Digest } from './digestIndex.js';

export type { BundleIssue } from './records.js';

/**
 * The bundle format: claimgraph's interchange format for import, export and the sample data.
 *   { format: "claimgraph-bundle", version: 1, nodes: [{label, id, properties}], edges: [{type, from, to, properties}] }
 * Records are checked by the rules mutations use too (src/validation/), against the graph model read from
 * the SDL, so the format follows the schema. The same validator checks every input format record by record
 * (see BundleValidator below).
 */

export type { PartialDateInput } from '../validation/propertyRules.js';

/** The shape of a record; its rules are the validation module's (checkProperties, idProblem, checkEdge). */
const nodeShape = z
  .object({ label: z.enum(LABELS, { errorMap: () => ({ message: `unknown label; known: ${LABELS.join(', ')}` }) }), id: z.string(), properties: z.unknown().optional() })
  .strict();
const edgeShape = z.object({ type: z.string().max(200), from: z.string(), to: z.string(), properties: z.unknown().optional() }).strict();

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

/** A record checked: its normalised form, a digest of what identifies it, and one of its properties (DigestIndex keeps DIGEST_BYTES of each). */
export type CheckedRecord = ValidRecord & { key: Digest; digest: Digest };

// Node's one-shot hash (20.12 and later) makes no Hash object, and a binary string makes no Buffer: about
// four times as fast for short texts as a Hash object's Buffer, and an import hashes every record's
// identity and properties. DigestIndex reads a digest's first DIGEST_BYTES.
const hashOf: (text: string) => Digest =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'binary') : (text) => crypto.createHash('sha256').update(text).digest('binary');
const digest = (value: unknown) => hashOf(JSON.stringify(value));

/** Where a problem is, before its message. */
export type IssueAt = Omit<BundleIssue, 'message'>;

/**
 * Where a record's field is, as a number: the record's ordinal in its input (every item a reader gives
 * counts, problems too) and the field. Cheap to keep for every record; `locateAll` turns it into a file,
 * line and path by reading the input again, which only a refusal needs.
 */
export type LocationCode = number;
const FIELDS = [['id'], ['from'], ['to']] as const;
type Field = 0 | 1 | 2;
const codeOf = (ordinal: number, field: Field): LocationCode => ordinal * FIELDS.length + field;
/** The LocationCode of a record's id, from or to. */
export const locationCode = (ordinal: number, field: 'id' | 'from' | 'to'): LocationCode => codeOf(ordinal, FIELDS.findIndex((f) => f[0] === field) as Field);

const whereOf = (loc: RecordLocation, inner: ReadonlyArray<string | number>): IssueAt => ({
  ...(loc.file !== undefined ? { file: loc.file } : {}),
  ...(loc.line !== undefined ? { line: loc.line } : {}),
  path: issuePath(loc, inner),
});

/** A problem found after the last record, with where as a LocationCode. */
export interface CodedProblem {
  at: LocationCode;
  message: string;
}

/**
 * Checks one record at a time, whatever format it came in, without remembering any: every rule of a record
 * (shapes, ids, labels, edge types and the labels at their ends, properties, text) and keys that must never
 * be used.
 */
class RecordChecker {
  readonly issues: BundleIssue[] = [];
  total = 0;
  nodes = 0;
  edges = 0;
  /** Items given so far (records, and problems a reader found): the next item's ordinal. */
  items = 0;

  constructor(protected readonly model: GraphModel) {}

  get valid(): boolean {
    return this.total === 0;
  }

  report(issue: BundleIssue): void {
    this.total++;
    if (this.issues.length < MAX_REPORTED_ISSUES) {
      this.issues.push({ ...issue, path: issue.path.slice(0, 200), message: issue.message.slice(0, 500) });
    }
  }

  protected at(loc: RecordLocation, inner: ReadonlyArray<string | number>, message: string) {
    this.report({ ...whereOf(loc, inner), message });
  }

  private problems(loc: RecordLocation, problems: readonly Problem[]) {
    for (const p of problems) this.at(loc, p.path, p.message);
  }

  /** Checks one item from a reader; returns the record in normalised form, or null when it is invalid. */
  check(item: RecordItem): CheckedRecord | null {
    this.items++;
    if (item.kind === 'issue') {
      this.report(item.issue);
      return null;
    }
    let checked: CheckedRecord | null;
    if (item.kind === 'node') {
      this.nodes++;
      checked = this.node(item.value, item.loc);
    } else {
      this.edges++;
      checked = this.edge(item.value, item.loc);
    }
    return checked;
  }

  /** Refuses a record holding a forbidden key (`__proto__`, …) by name, before anything copies it. */
  private forbidden(raw: unknown, loc: RecordLocation): boolean {
    const path = forbiddenKeyPath(raw);
    if (path) this.at(loc, path, forbiddenKeyMessage(String(path[path.length - 1])));
    return path !== null;
  }

  private node(raw: unknown, loc: RecordLocation): CheckedRecord | null {
    if (this.forbidden(raw, loc)) return null;
    const parsed = nodeShape.safeParse(raw);
    if (!parsed.success) {
      this.problems(loc, zodProblems(parsed.error));
      return null;
    }
    const { label, id } = parsed.data;
    const idWrong = idProblem(label, id);
    const props = checkProperties(this.model.nodes.get(label)!.properties, parsed.data.properties ?? {});
    this.problems(loc, [...(idWrong ? [{ ...idWrong, path: ['id'] }] : []), ...props.problems.map((p) => ({ ...p, path: ['properties', ...p.path] }))]);
    if (idWrong || !props.data) return null;
    // the id says the label (idProblem), so the id alone identifies the node
    return { kind: 'node', node: { label, id, properties: props.data }, key: hashOf(id), digest: digest(props.data) };
  }

  private edge(raw: unknown, loc: RecordLocation): CheckedRecord | null {
    if (this.forbidden(raw, loc)) return null;
    const parsed = edgeShape.safeParse(raw);
    if (!parsed.success) {
      this.problems(loc, zodProblems(parsed.error));
      return null;
    }
    const { type, from, to } = parsed.data;
    const checked = checkEdge(this.model, { type, from, to, props: parsed.data.properties ?? {} });
    this.problems(loc, checked.problems);
    if (!checked.props) return null;
    const edgeModel = this.model.edges.get(type)!;
    const identity = edgeIdentity(type, from, to, edgeModel.key ? checked.props[edgeModel.key] : undefined);
    return { kind: 'edge', edge: { type, from, to, properties: checked.props }, key: hashOf(identity), digest: digest(checked.props) };
  }
}

/**
 * Validates a bundle one record at a time (a RecordChecker) and across records: duplicate ids (or edges)
 * with different properties, and, with `graph`, what the rules that span records need
 * (src/validation/graphRules.ts) for `graphProblems`. A record given twice with the same properties is
 * accepted once; `add` returns null for the repeat.
 *
 * What it keeps per record is small and of fixed size: a digest of its identity and one of its properties
 * in a DigestIndex (32 bytes), and where a record is as a LocationCode (a number) where a later problem may
 * need it. Strings are kept only for edge endpoints not (yet) seen as nodes (the importer looks them up in
 * the database) and what GraphRules needs of the few relationship types it checks.
 */
export class BundleValidator extends RecordChecker {
  /** False once an edge came before a node it points at (then nodes must all be written first). */
  ordered = true;
  private readonly nodeIndex = new DigestIndex();
  private readonly edgeIndex = new DigestIndex();
  /** Endpoints not (yet) seen as nodes, with where they were first used. */
  private readonly pending = new Map<string, LocationCode>();
  /** Ids of nodes given (a few thousand at most: see hasNode). */
  private readonly recent = new Set<string>();
  private readonly graph: GraphRules<LocationCode> | null;

  constructor(model: GraphModel, options: { graph?: boolean } = { graph: true }) {
    super(model);
    this.graph = options.graph === false ? null : new GraphRules<LocationCode>(model, (id) => this.hasNode(id));
  }

  /** Distinct nodes and edges accepted so far. */
  get distinctNodes(): number {
    return this.nodeIndex.size;
  }
  get distinctEdges(): number {
    return this.edgeIndex.size;
  }

  /** Bytes the indexes of ids and edge identities hold. */
  get indexBytes(): number {
    return this.nodeIndex.bytes + this.edgeIndex.bytes;
  }

  /** Checks one item from a reader; returns the record in normalised form, or null when it is invalid or a repeat. */
  add(item: RecordItem): ValidRecord | null {
    const ordinal = this.items;
    const checked = this.check(item);
    if (!checked || item.kind === 'issue') return null;
    if (checked.kind === 'node') {
      const { id, label } = checked.node;
      const added = this.nodeIndex.add(checked.key, checked.digest);
      if (added !== 'added') {
        if (added === 'different') this.at(item.loc, ['id'], `duplicate id ${id} with different properties`);
        return null;
      }
      if (this.pending.delete(id)) this.ordered = false;
      this.remember(id);
      this.graph?.node(label, id, codeOf(ordinal, 0));
      return { kind: 'node', node: checked.node };
    }
    const { type, from, to, properties } = checked.edge;
    const added = this.edgeIndex.add(checked.key, checked.digest);
    if (added !== 'added') {
      if (added === 'different') this.at(item.loc, [], `duplicate ${type} edge ${from} → ${to} with different properties`);
      return null;
    }
    for (const [id, field] of [[from, 1], [to, 2]] as const) {
      if (!this.pending.has(id) && !this.hasNode(id)) this.pending.set(id, codeOf(ordinal, field));
    }
    this.graph?.edge(type, from, to, codeOf(ordinal, 2), properties);
    return { kind: 'edge', edge: checked.edge };
  }

  /**
   * Whether the input gave a node with this id so far. Edges name mostly the nodes given just before them
   * and a few much-named ones (places, speakers): those are remembered by id (a bounded set), which spares
   * hashing the id for the index most of the time.
   */
  private hasNode(id: string): boolean {
    if (this.recent.has(id)) return true;
    if (!this.nodeIndex.has(hashOf(id))) return false;
    this.remember(id);
    return true;
  }

  private remember(id: string): void {
    if (this.recent.size >= RECENT_NODES) this.recent.clear();
    this.recent.add(id);
  }

  /**
   * After the last record: the endpoints that are not in the bundle (the importer looks them up in the
   * database), each with where it was first used.
   */
  externalEndpoints(): Map<string, LocationCode> {
    return this.pending;
  }

  /** After the last record: what the rules spanning records find, over the bundle and the stored graph. */
  async graphProblems(read: ReadQuery): Promise<CodedProblem[]> {
    return this.graph ? (await this.graph.check(read)).map((p) => ({ at: p.at, message: p.message })) : [];
  }

  /** What the rules spanning records find in the bundle alone, for a bundle checked on its own. */
  givenGraphProblems(): CodedProblem[] {
    return this.graph ? this.graph.given().map((p) => ({ at: p.at, message: p.message })) : [];
  }
}

/** How many node ids BundleValidator remembers as strings (the rest it finds by their digest). */
const RECENT_NODES = 4096;

/** Finds where LocationCodes are while the input is read again. */
class Locator {
  private readonly wanted = new Map<number, Field[]>();
  private remaining: number;
  readonly found = new Map<LocationCode, IssueAt>();
  private ordinal = 0;

  constructor(codes: Iterable<LocationCode>) {
    for (const code of codes) {
      const ordinal = Math.floor(code / FIELDS.length);
      const fields = this.wanted.get(ordinal) ?? [];
      fields.push((code % FIELDS.length) as Field);
      this.wanted.set(ordinal, fields);
    }
    this.remaining = this.wanted.size;
  }

  /** Feeds the next item; false once every code is found. */
  feed(item: RecordItem): boolean {
    const fields = this.wanted.get(this.ordinal);
    if (fields && item.kind !== 'issue') {
      for (const field of fields) this.found.set(codeOf(this.ordinal, field), whereOf(item.loc, FIELDS[field]));
      this.remaining--;
    }
    this.ordinal++;
    return this.remaining > 0;
  }
}

const issuesOf = (problems: readonly CodedProblem[], found: ReadonlyMap<LocationCode, IssueAt>): BundleIssue[] =>
  problems.map((p) => ({ ...(found.get(p.at) ?? { path: '(record)' }), message: p.message }));

/** The problems with their file, line and path, read from `items` (the input the codes were made from, read again). */
export async function locateAll(problems: readonly CodedProblem[], items: AsyncIterable<RecordItem> | Iterable<RecordItem>): Promise<BundleIssue[]> {
  const locator = new Locator(problems.map((p) => p.at));
  if (problems.length) {
    for await (const item of items) if (!locator.feed(item)) break;
  }
  return issuesOf(problems, locator.found);
}

/** locateAll for an input held in memory. */
export function locateAllSync(problems: readonly CodedProblem[], items: Iterable<RecordItem>): BundleIssue[] {
  const locator = new Locator(problems.map((p) => p.at));
  if (problems.length) {
    for (const item of items) if (!locator.feed(item)) break;
  }
  return issuesOf(problems, locator.found);
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
 * Validates a whole bundle held in memory on its own: every record, and what the bundle alone decides of
 * the rules spanning records (a second parent given, a loop made only of what is given). Endpoints outside
 * the bundle are returned; what needs the database (they exist, stored parents and loops, a statement's
 * stored speaker and sources) is the importer's to check.
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
  if (validator.valid) for (const issue of locateAllSync(validator.givenGraphProblems(), readBundleObject(input))) validator.report(issue);
  if (!validator.valid) throw new BundleValidationError(validator.issues, validator.total);
  return { bundle: { format: 'claimgraph-bundle', version: 1, nodes, edges }, externalIds: [...external.keys()] };
}
