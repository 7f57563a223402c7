import neo4j from 'neo4j-driver';
import type { ManagedTransaction } from 'neo4j-driver';
import { labelOfId, type Label } from '../ids.js';
import { storedProperties, type GraphModel, type PropertySpec } from '../model/graphModel.js';
import type { Database } from '../neo4j/database.js';
import {
  BundleValidationError,
  BundleValidator,
  locateAll,
  locationCode,
  MAX_REPORTED_ISSUES,
  readBundleObject,
  type BundleEdge,
  type BundleIssue,
  type BundleNode,
  type CodedProblem,
  type LocationCode,
  type PartialDateInput,
} from './bundleSchema.js';
import { issuePath, type RecordItem } from './records.js';
import { Visibility, MARKED_LABELS } from '../auth/visibility.js';
import type { Marking } from '../auth/principal.js';
import { recordBundleChanges } from '../changelog/recordBundleChanges.js';
import { timeOfRecord } from '../changelog/changeLog.js';
import { REFRESH_AFTER_RECORDS, refreshPlannerStatistics } from '../neo4j/plannerStatistics.js';
import { readQueryOf } from '../validation/graphRules.js';
import { RecordSpill } from './recordSpill.js';
import { joinedParams } from '../neo4j/joinedStrings.js';

/**
 * The bulk importer. Every input (a bundle object, JSON, NDJSON, a directory of CSV files) is read as a
 * stream of records and imported in three steps:
 *   1. validate every record (src/validation/: the rules mutations follow too), then (read-only) look up
 *      the edge endpoints that are not in the input and check the rules that span records over the whole
 *      input and what is stored: one parent, no PART_OF loop, every statement with a speaker and a source;
 *      any problem stops the import here, before the first write;
 *   2. write in batches of `UNWIND … MERGE` upserts, one transaction per batch: a batch lands whole or
 *      not at all, and the next batch is made ready while the previous one is being written. What is
 *      written is what step 1 accepted, kept aside as it was accepted (RecordSpill: a temporary file, a
 *      chunk in memory): the input is read once, and an input that changes meanwhile changes nothing;
 *   3. report what was created and updated.
 * Upserts are idempotent: importing the same input again changes nothing (no property, no updatedAt),
 * and an import that was interrupted (Neo4j went away mid-way) is completed by running it again.
 *
 * Markings: an importer writes only what it may see. A statement or source marked above its clearance,
 * or one whose id is taken by a stored node it may not see, refuses the whole import (ImportForbiddenError,
 * 403) before the first write; an edge endpoint it may not see is as missing as one that does not exist.
 */

export interface ImportSummary {
  nodesCreated: number;
  nodesUpdated: number;
  edgesCreated: number;
  edgesUpdated: number;
}

export interface ImportReport extends ImportSummary {
  /** Distinct records in the input (repeats of the same record count once). */
  nodes: number;
  edges: number;
  /** Write transactions committed. */
  batches: number;
}

export type ImportProgress =
  | { phase: 'validate'; records: number; bytes?: number; totalBytes?: number }
  | { phase: 'write'; written: number; total: number };

export interface ImportOptions {
  /** Records per write transaction (default 5000). */
  batchSize?: number;
  /** Validate only (the input and its endpoints in the database); write nothing. */
  dryRun?: boolean;
  /** Who is importing, as the change log records it (default 'import'). */
  who?: string;
  /**
   * What the importer may see (default: everything, for the sample, the seed and the local operator's
   * CLI): it may write only records at or below its clearance, and only over nodes it may see.
   */
  visibility?: Visibility;
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * An input that can be read from its start more than once: validation reads it once; a refusal reads it
 * again to locate its problems (file, line, path).
 */
export interface ImportSource {
  read(): AsyncIterable<RecordItem> | Iterable<RecordItem>;
  /** Bytes read so far in the current pass and in all, when the input is bytes. */
  bytes?(): { read: number; total?: number };
}

export const DEFAULT_BATCH_SIZE = 5000;
/** The change log's `who` for an import that does not say who ran it. */
export const DEFAULT_IMPORTER = 'import';
export const MAX_BATCH_SIZE = 100_000;

const q = (name: string) => `\`${name}\``;

function toDate(iso: string | undefined) {
  if (!iso) return null;
  const [y, m, d] = iso.split('-').map(Number);
  return new neo4j.types.Date(y, m, d);
}

/**
 * A bundle's properties as Neo4j stores them: partial dates flattened into five properties, points as
 * WGS-84 points, integers as Neo4j integers. Every model property is present (null when absent), so an
 * upsert also removes what the bundle no longer says. src/export/exportValues.ts is its inverse.
 */
export function storedValues(specs: PropertySpec[], props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = props[spec.name];
    if (spec.kind === 'partialDate') {
      const d = value as PartialDateInput | undefined;
      const [start, end, precision, raw, relativeTo] = storedProperties(spec);
      out[start] = toDate(d?.start);
      out[end] = toDate(d?.end);
      out[precision] = d?.precision ?? null;
      out[raw] = d?.raw ?? null;
      out[relativeTo] = toDate(d?.relativeTo);
    } else if (spec.kind === 'geoPoint') {
      const p = value as { latitude: number; longitude: number } | undefined;
      const precision = props[`${spec.name}PrecisionM`];
      out[spec.name] = p ? new neo4j.types.Point(4326, p.longitude, p.latitude) : null;
      out[`${spec.name}PrecisionM`] = typeof precision === 'number' ? neo4j.int(precision) : null;
    } else if (spec.kind === 'scalar' && spec.scalar === 'int') {
      out[spec.name] = typeof value === 'number' ? neo4j.int(value) : null;
    } else if (spec.kind === 'scalar' && spec.scalar === 'dateTime') {
      // stored as a DateTime, like the times of record a mutation writes
      out[spec.name] = typeof value === 'string' ? neo4j.types.DateTime.fromStandardDate(new Date(value)) : null;
    } else if (spec.kind === 'scalar' && spec.scalar === 'date') {
      out[spec.name] = toDate(value as string | undefined);
    } else if (spec.kind === 'enum' && spec.default !== undefined && value === spec.default) {
      // The default is what an absent property reads as: never stored, so it never shows in an export.
      out[spec.name] = null;
    } else {
      out[spec.name] = value ?? null;
    }
  }
  return out;
}

/**
 * What an upsert sets: for a record the change log found new, only the properties it has (there is
 * nothing stored to remove, and every null is one more value to send); for one it found changed, every
 * model property, nulls removing what the record no longer says.
 */
function upsertValues(specs: PropertySpec[], props: Record<string, unknown>, change: 'new' | 'updated'): Record<string, unknown> {
  const values = storedValues(specs, props);
  if (change === 'updated') return values;
  const present: Record<string, unknown> = {};
  for (const name in values) if (values[name] !== null) present[name] = values[name];
  return present;
}

/**
 * Writes nodes the change log found new or changed (recordBundleChanges, same transaction): MERGE, so a
 * node another writer made meanwhile is updated rather than refused. Ids go as one string (joinedStrings.ts).
 */
async function upsertNodes(tx: ManagedTransaction, label: Label, rows: Array<{ id: string; props: unknown }>, now: unknown): Promise<void> {
  await tx.run(
    `WITH split($ids, $separator) AS ids
     UNWIND range(0, size(ids) - 1) AS i
     MERGE (n:${q(label)} {id: ids[i]})
     ON CREATE SET n.createdAt = $now
     SET n += $props[i], n.updatedAt = $now`,
    { ...joinedParams({ ids: rows.map((r) => r.id) }), props: rows.map((r) => r.props), now },
  );
}

/** An edge to upsert: its ends, its key's value (for a type with a key) and the properties to set. */
interface EdgeRow {
  from: string;
  to: string;
  key: unknown;
  props: Record<string, unknown>;
}

/**
 * Writes edges the change log found new or changed; returns how many found both their endpoints. Ends go
 * as one string each (joinedStrings.ts); keys and properties only for types that have them.
 */
async function upsertEdges(tx: ManagedTransaction, type: string, from: Label, to: Label, key: string | undefined, rows: EdgeRow[]): Promise<number> {
  const keyMatch = key ? ` {${q(key)}: $keys[i]}` : '';
  const withProps = rows.some((r) => Object.keys(r.props).length > 0);
  const result = await tx.run(
    `WITH split($froms, $separator) AS froms, split($tos, $separator) AS tos
     UNWIND range(0, size(froms) - 1) AS i
     MATCH (a:${q(from)} {id: froms[i]})
     MATCH (b:${q(to)} {id: tos[i]})
     MERGE (a)-[r:${q(type)}${keyMatch}]->(b)
     ${withProps ? 'SET r += $props[i]' : ''}
     RETURN count(*) AS matched`,
    {
      ...joinedParams({ froms: rows.map((r) => r.from), tos: rows.map((r) => r.to) }),
      ...(key ? { keys: rows.map((r) => r.key) } : {}),
      ...(withProps ? { props: rows.map((r) => r.props) } : {}),
    },
  );
  return Number(result.records[0].get('matched'));
}

/** One write transaction's worth of records. */
class Batch {
  nodes: BundleNode[] = [];
  edges: BundleEdge[] = [];
  get size() {
    return this.nodes.length + this.edges.length;
  }
}

/** A batch being written: its time of record, known early, and its commit. */
interface BatchInFlight {
  at: Promise<Date>;
  done: Promise<void>;
}

/**
 * One batch in one write transaction, under the import batch deadline: it lands whole or not at all.
 * `previous` is the batch before, still being written: this one reads and compares meanwhile and sends its
 * change set (a new node, which locks nothing the batch before holds), but upserts nothing until that one
 * has committed (its edges may need the nodes that one makes), so neither waits for a lock of the other.
 */
function writeBatch(db: Database, model: GraphModel, batch: Batch, summary: ImportReport, who: string, previous: BatchInFlight | null): BatchInFlight {
  let publish!: (at: Date) => void;
  let fail!: (error: unknown) => void;
  const timeOfThis = new Promise<Date>((resolve, reject) => {
    publish = resolve;
    fail = reject;
  });
  timeOfThis.catch(() => {}); // the next batch's failure, if it awaited this; else nobody's
  let published: Date | null = null;
  const done = db
    .writeTransaction(async (tx) => {
      const c = { nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 };
      let at = await timeOfRecord(tx);
      // A bulk import is a write like any other: what this batch changes is logged in its own transaction,
      // read before the upserts overwrite it. Records that change nothing are neither logged nor written.
      const changes = await recordBundleChanges(tx, model, { nodes: batch.nodes, edges: batch.edges });
      if (published) at = published;
      else {
        // This transaction may have begun before the one before it did, but it writes after that one: its
        // time of record is never earlier, so the log keeps a node's CREATE before the LINKs that need it.
        // Once the next batch has ordered itself after it, it stays (a retried transaction keeps it).
        const before = previous ? await previous.at : at;
        if (before > at) at = before;
        published = at;
        publish(at);
      }
      // The change set goes now (the next batch's goes after it: it waits for this time of record).
      const writes: Array<Promise<unknown>> = [changes.log({ who, at, via: 'import' })];
      const byLabel = new Map<Label, Array<{ id: string; props: unknown }>>();
      for (const [n, change] of changes.nodes) {
        const rows = byLabel.get(n.label) ?? [];
        rows.push({ id: n.id, props: upsertValues(model.nodes.get(n.label)!.properties, n.properties, change) });
        byLabel.set(n.label, rows);
        if (change === 'new') c.nodesCreated++;
        else c.nodesUpdated++;
      }
      const groups = new Map<string, { type: string; from: Label; to: Label; rows: EdgeRow[] }>();
      for (const [edge, change] of changes.edges) {
        const edgeModel = model.edges.get(edge.type)!;
        const from = labelOfId(edge.from)!;
        const to = labelOfId(edge.to)!;
        const groupKey = `${edge.type}|${from}|${to}`;
        const group = groups.get(groupKey) ?? { type: edge.type, from, to, rows: [] };
        const props = upsertValues(edgeModel.properties, edge.properties, change);
        group.rows.push({ from: edge.from, to: edge.to, key: edgeModel.key ? props[edgeModel.key] : null, props });
        groups.set(groupKey, group);
        if (change === 'new') c.edgesCreated++;
        else c.edgesUpdated++;
      }
      // No upsert is sent before the batch before has committed. Then they go together (Bolt pipelines them,
      // Neo4j runs them in order, so the nodes are there before the edges that need them) and are awaited
      // together with the change set: one round trip.
      if (previous) await previous.done;
      const now = neo4j.types.DateTime.fromStandardDate(at);
      for (const [label, rows] of byLabel) writes.push(upsertNodes(tx, label, rows, now));
      for (const group of groups.values()) {
        const edgeKey = model.edges.get(group.type)!.key;
        writes.push(
          upsertEdges(tx, group.type, group.from, group.to, edgeKey, group.rows).then((matched) => {
            if (matched < group.rows.length) throw new Error(`${group.type}: an endpoint vanished during the import; run it again`);
          }),
        );
      }
      await Promise.all(writes);
      return c;
    }, { deadline: 'importBatch', metadata: { via: 'import' } })
    .then((c) => {
      summary.nodesCreated += c.nodesCreated;
      summary.nodesUpdated += c.nodesUpdated;
      summary.edgesCreated += c.edgesCreated;
      summary.edgesUpdated += c.edgesUpdated;
      summary.batches++;
    });
  // a batch that fails before its time of record is known fails the next one too
  done.catch(fail);
  return { at: timeOfThis, done };
}

/**
 * An import refused for the importer's clearance: records marked above it, or ids of stored nodes it may
 * not see. Nothing was written. The issues name the records, never what is stored under a hidden id.
 */
export class ImportForbiddenError extends Error {
  override name = 'ImportForbiddenError';
  constructor(
    readonly issues: BundleIssue[],
    readonly total = issues.length,
  ) {
    super(
      `The import is refused (${total} record${total === 1 ? '' : 's'} this principal may not write):\n` +
        issues
          .slice(0, 20)
          .map((i) => `  ${i.file ?? ''}${i.line !== undefined ? `${i.file ? ':' : 'line '}${i.line} ` : ''}${i.path}: ${i.message}`)
          .join('\n') +
        (total > 20 ? `\n  … and ${total - 20} more` : ''),
    );
  }
}

/** Ids of statements and sources in the input that a stored node the importer may not see already has. */
async function hiddenIds(db: Database, visibility: Visibility, label: Label, ids: string[]): Promise<Set<string>> {
  const hidden = new Set<string>();
  const result = await db.read(
    `UNWIND $ids AS id MATCH (n:${q(label)} {id: id}) WHERE NOT ${visibility.require('n', [label])} RETURN n.id AS id`,
    { ids, ...visibility.params() },
    { deadline: 'importBatch' },
  );
  for (const record of result.records) hidden.add(record.get('id') as string);
  return hidden;
}

/** How long making the next batch ready may keep the event loop from the batch being written (ms). */
const YIELD_EVERY_MS = 1;

/** Ids per endpoint or hidden-id lookup. */
const LOOKUP_IDS = 10_000;

/** Looks up (read-only) the edge endpoints that are not in the input; those missing, or hidden from the importer, are problems. */
async function checkExternalEndpoints(db: Database, external: Map<string, LocationCode>, visibility: Visibility): Promise<CodedProblem[]> {
  if (!external.size) return [];
  const byLabel = new Map<Label, string[]>();
  for (const id of external.keys()) {
    const label = labelOfId(id)!;
    const list = byLabel.get(label);
    if (list) list.push(id);
    else byLabel.set(label, [id]);
  }
  const present = new Set<string>();
  for (const [label, ids] of byLabel) {
    for (let i = 0; i < ids.length; i += LOOKUP_IDS) {
      const chunk = ids.slice(i, i + LOOKUP_IDS);
      const visible = visibility.predicate('n', [label]);
      const result = await db.read(
        `UNWIND $ids AS id MATCH (n:${q(label)} {id: id})${visible ? ` WHERE ${visible}` : ''} RETURN n.id AS id`,
        { ids: chunk, ...visibility.params() },
        { deadline: 'importBatch' },
      );
      for (const record of result.records) present.add(record.get('id') as string);
    }
  }
  const missing: CodedProblem[] = [];
  for (const [id, at] of external) {
    if (!present.has(id)) missing.push({ at, message: `endpoint ${id} is neither in the input nor in the database` });
  }
  return missing;
}

/** Validates the whole input, then writes it in batches (see the top of this file). */
export async function importRecords(db: Database, model: GraphModel, source: ImportSource, options: ImportOptions = {}): Promise<ImportReport> {
  const batchSize = Math.min(Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE)), MAX_BATCH_SIZE);
  const progress = options.onProgress ?? (() => {});
  const who = options.who?.trim() || DEFAULT_IMPORTER;
  const visibility = options.visibility ?? Visibility.ALL;

  const spill = new RecordSpill();
  try {
    return await validateThenWrite(db, model, source, spill, { batchSize, progress, who, visibility, dryRun: options.dryRun === true });
  } finally {
    spill.close();
  }
}

async function validateThenWrite(
  db: Database,
  model: GraphModel,
  source: ImportSource,
  spill: RecordSpill,
  { batchSize, progress, who, visibility, dryRun }: { batchSize: number; progress: (p: ImportProgress) => void; who: string; visibility: Visibility; dryRun: boolean },
): Promise<ImportReport> {
  // 1. validate everything. What is kept per record is small and of fixed size (see BundleValidator);
  // problems are located (file, line, path) by reading the input again, only when there are any. Each
  // record accepted goes to the spill, which the write pass reads instead of the input.
  const validator = new BundleValidator(model);
  // For an importer who may not see everything: records above its clearance, and the marked ids to look
  // up (a chunk at a time, as they come): those a stored node it may not see already has.
  const forbidden: BundleIssue[] = [];
  let forbiddenTotal = 0;
  const marked = new Map<Label, Array<{ id: string; at: LocationCode }>>();
  const hidden: Array<{ id: string; at: LocationCode }> = [];
  const lookUpMarked = async (label: Label) => {
    const list = marked.get(label);
    if (!list?.length) return;
    marked.set(label, []);
    const found = await hiddenIds(db, visibility, label, list.map((m) => m.id));
    for (const m of list) if (found.has(m.id)) hidden.push(m);
  };
  for await (const item of source.read()) {
    const ordinal = validator.items;
    const record = validator.add(item);
    // kept for writing unless nothing will be (a dry run, an input known to be refused)
    if (record && validator.valid && !dryRun) spill.add(record);
    if (record?.kind === 'node' && !visibility.seesAll && MARKED_LABELS.includes(record.node.label) && item.kind === 'node') {
      const { label, id, properties } = record.node;
      const marking = typeof properties.marking === 'string' ? properties.marking : 'CLEAR';
      if (!visibility.sees(marking as Marking)) {
        forbiddenTotal++;
        if (forbidden.length < MAX_REPORTED_ISSUES) {
          const at = { ...(item.loc.file !== undefined ? { file: item.loc.file } : {}), ...(item.loc.line !== undefined ? { line: item.loc.line } : {}) };
          forbidden.push({ ...at, path: issuePath(item.loc, ['properties', 'marking']), message: `${marking} is above the importer's clearance (${visibility.clearance})` });
        }
      } else if (validator.valid && !forbiddenTotal) {
        const list = marked.get(label) ?? [];
        list.push({ id, at: locationCode(ordinal, 'id') });
        marked.set(label, list);
        if (list.length >= LOOKUP_IDS) await lookUpMarked(label);
      }
    }
    if ((validator.nodes + validator.edges) % 1000 === 0) {
      const bytes = source.bytes?.();
      progress({ phase: 'validate', records: validator.nodes + validator.edges, bytes: bytes?.read, totalBytes: bytes?.total });
    }
  }
  const external = validator.externalEndpoints();
  if (forbiddenTotal) throw new ImportForbiddenError(forbidden, forbiddenTotal);
  if (!validator.valid) throw new BundleValidationError(validator.issues, validator.total);
  // A record whose id a stored node the importer may not see already has would overwrite that node.
  for (const label of marked.keys()) await lookUpMarked(label);
  if (hidden.length) {
    hidden.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const first = hidden.slice(0, MAX_REPORTED_ISSUES).map((h) => ({ at: h.at, message: `${h.id} cannot be written by this principal` }));
    throw new ImportForbiddenError(await locateAll(first, source.read()), hidden.length);
  }
  // Then against the database (read-only): endpoints that must exist, and the rules spanning records
  // (parents, loops, a statement's speaker and sources) over the whole input and what is stored.
  const missing = await checkExternalEndpoints(db, external, visibility);
  const graph = await validator.graphProblems(readQueryOf({ run: (cypher, params) => db.read(cypher, params) }));
  const problems = [...missing, ...graph];
  if (problems.length) throw new BundleValidationError(await locateAll(problems.slice(0, MAX_REPORTED_ISSUES), source.read()), problems.length);
  const ordered = validator.ordered;
  const report: ImportReport = { nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0, nodes: 0, edges: 0, batches: 0 };
  report.nodes = validator.distinctNodes;
  report.edges = validator.distinctEdges;
  if (dryRun) return report;

  // 2. write what validation accepted, from the spill: one pass when every edge comes after its
  // endpoints, else nodes first, then edges.
  const distinct = spill.count;
  let written = 0;
  const passes: Array<'all' | 'node' | 'edge'> = ordered ? ['all'] : ['node', 'edge'];
  for (const pass of passes) {
    let batch = new Batch();
    // Two batches in flight at most: the one writing, and the next one reading what it will overwrite.
    let inflight: BatchInFlight | null = null;
    let older: BatchInFlight | null = null;
    let lastYield = performance.now();
    const flush = async () => {
      const full = batch;
      batch = new Batch();
      if (older) await older.done;
      const write = writeBatch(db, model, full, report, who, inflight);
      const done = write.done.then(() => {
        written += full.size;
        progress({ phase: 'write', written, total: distinct });
      });
      done.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled meanwhile
      older = inflight;
      inflight = { at: write.at, done };
    };
    try {
      for (const record of spill.records()) {
        // While a batch is being written, its transaction waits on this process for every reply it gets
        // (the next query, the commit): making the next batch ready gives way to it at least every millisecond.
        if (inflight && performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise(setImmediate);
          lastYield = performance.now();
        }
        if (record.kind === 'node' && pass !== 'edge') batch.nodes.push(record.node);
        else if (record.kind === 'edge' && pass !== 'node') batch.edges.push(record.edge);
        if (batch.size >= batchSize) await flush();
      }
      if (batch.size) await flush();
    } finally {
      // never leave a write running behind a failure; its own error, if any, is the one that counts
      for (const write of [older, inflight] as Array<BatchInFlight | null>) await write?.done;
    }
  }
  // A load that grew the graph would otherwise be read with plans made for the graph before it.
  if (report.nodesCreated + report.edgesCreated >= REFRESH_AFTER_RECORDS) await refreshPlannerStatistics(db);
  return report;
}

/**
 * Imports a bundle held in memory (the sample, a test fixture): validated whole, then written in
 * batches; a bundle smaller than a batch is written in one transaction.
 */
export async function importBundle(db: Database, model: GraphModel, input: unknown, options: ImportOptions = {}): Promise<ImportSummary> {
  const report = await importRecords(db, model, { read: () => readBundleObject(input) }, options);
  const { nodesCreated, nodesUpdated, edgesCreated, edgesUpdated } = report;
  return { nodesCreated, nodesUpdated, edgesCreated, edgesUpdated };
}
