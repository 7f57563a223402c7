import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LABELS, type Label } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import type { Problem } from '../validation/problem.js';
import { checkProperties, zodProblems } from '../validation/propertyRules.js';
import { checkEdge, idProblem } from '../validation/recordRules.js';
import { forbiddenKeyMessage, forbiddenKeyPath } from '../validation/textRules.js';
import { GraphRules, type ReadQuery } from '../validation/graphRules.js';
import { formatPath, issuePath, type BundleIssue, type RecordItem, type RecordLocation } from './records.js';

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

const digest = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64');

/** Where a problem is, before its message. */
type IssueAt = Omit<BundleIssue, 'message'>;

/**
 * Validates a bundle one record at a time, whatever format it came in: every rule of a record (shapes,
 * ids, labels, edge types and the labels at their ends, properties, text), keys that must never be used,
 * duplicate ids (or edges) with different properties. With `graph`, it also collects what the rules that
 * span records need (src/validation/graphRules.ts) for `graphIssues`. It keeps an index of ids and edge
 * identities (with a digest of their properties), not the records, so its memory grows with the number of
 * records but not with their size. A record given twice with the same properties is accepted once; `add`
 * returns null for the repeat.
 */
export class BundleValidator {
  readonly issues: BundleIssue[] = [];
  total = 0;
  nodes = 0;
  edges = 0;
  /** False once an edge came before a node it points at (then nodes must all be written first). */
  ordered = true;
  private readonly nodeIndex = new Map<string, string>();
  private readonly edgeIndex = new Map<string, string>();
  /** Endpoints not (yet) seen as nodes, with where they were first used. */
  private readonly pending = new Map<string, BundleIssue>();
  private readonly graph: GraphRules<IssueAt> | null;

  constructor(
    private readonly model: GraphModel,
    options: { graph?: boolean } = { graph: true },
  ) {
    this.graph = options.graph === false ? null : new GraphRules<IssueAt>(model);
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

  private where(loc: RecordLocation, inner: ReadonlyArray<string | number>): IssueAt {
    return { ...(loc.file !== undefined ? { file: loc.file } : {}), ...(loc.line !== undefined ? { line: loc.line } : {}), path: issuePath(loc, inner) };
  }

  private at(loc: RecordLocation, inner: ReadonlyArray<string | number>, message: string) {
    this.report({ ...this.where(loc, inner), message });
  }

  private problems(loc: RecordLocation, problems: readonly Problem[]) {
    for (const p of problems) this.at(loc, p.path, p.message);
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

  /** Refuses a record holding a forbidden key (`__proto__`, …) by name, before anything copies it. */
  private forbidden(raw: unknown, loc: RecordLocation): boolean {
    const path = forbiddenKeyPath(raw);
    if (path) this.at(loc, path, forbiddenKeyMessage(String(path[path.length - 1])));
    return path !== null;
  }

  private node(raw: unknown, loc: RecordLocation): BundleNode | null {
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
    const node: BundleNode = { label, id, properties: props.data };
    const hash = digest(node.properties);
    const seen = this.nodeIndex.get(node.id);
    if (seen !== undefined) {
      if (seen !== hash) this.at(loc, ['id'], `duplicate id ${node.id} with different properties`);
      return null;
    }
    this.nodeIndex.set(node.id, hash);
    this.graph?.node(label, id, this.where(loc, ['id']));
    return node;
  }

  private edge(raw: unknown, loc: RecordLocation): BundleEdge | null {
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
    const hash = digest(checked.props);
    const previous = this.edgeIndex.get(identity);
    if (previous !== undefined) {
      if (previous !== hash) this.at(loc, [], `duplicate ${type} edge ${from} → ${to} with different properties`);
      return null;
    }
    this.edgeIndex.set(identity, hash);
    for (const id of [from, to]) {
      if (!this.nodeIndex.has(id) && !this.pending.has(id)) this.pending.set(id, { ...this.where(loc, [id === from ? 'from' : 'to']), message: '' });
    }
    this.graph?.edge(type, from, to, this.where(loc, ['to']), checked.props);
    return { type, from, to, properties: checked.props };
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

  /** After the last record: what the rules spanning records find, over the bundle and the stored graph. */
  async graphIssues(read: ReadQuery): Promise<BundleIssue[]> {
    return this.graph ? (await this.graph.check(read)).map((p) => ({ ...p.at, message: p.message })) : [];
  }

  /** What the rules spanning records find in the bundle alone, for a bundle checked on its own. */
  givenGraphIssues(): BundleIssue[] {
    return this.graph ? this.graph.given().map((p) => ({ ...p.at, message: p.message })) : [];
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
  if (validator.valid) for (const issue of validator.givenGraphIssues()) validator.report(issue);
  if (!validator.valid) throw new BundleValidationError(validator.issues, validator.total);
  return { bundle: { format: 'claimgraph-bundle', version: 1, nodes, edges }, externalIds: [...external.keys()] };
}
