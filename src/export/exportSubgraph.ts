import { createWriteStream, promises as fsp, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { GraphModel } from '../model/graphModel.js';
import type { Database } from '../neo4j/database.js';
import { ARRAY_DELIMITER } from '../bundle/csvColumns.js';
import type { BundleEdge, BundleNode } from '../bundle/bundleSchema.js';
import type { Principal } from '../auth/principal.js';
import { STREAM_FORMATS, type ExportFormat } from './formats/index.js';
import { csvParts, csvPartSerializer, type CsvPart } from './formats/csv.js';
import { listDelimiterQueries, SelectionError, type ResolvedSelection, type Selection } from './selection.js';
import { planClosure, resolveSelection, streamSubgraph, type ExportItem } from './streamSubgraph.js';

export type StreamFormat = Exclude<ExportFormat, 'csv'>;

/** Called for every record written (for progress bars). */
export type OnRecord = (item: ExportItem) => void;

/** Groups small strings into chunks of about `size` characters, so a socket or file gets few large writes. */
export async function* chunked(parts: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let buffer: string[] = [];
  let length = 0;
  for await (const part of parts) {
    buffer.push(part);
    length += part.length;
    if (length >= size) {
      yield buffer.join('');
      buffer = [];
      length = 0;
    }
  }
  if (length) yield buffer.join('');
}

/** An export in one of the single-stream formats, as text, streamed from Neo4j (of what the selection's principal may see). */
export async function* exportText(
  db: Database,
  model: GraphModel,
  selection: ResolvedSelection,
  format: StreamFormat,
  onRecord?: OnRecord,
): AsyncGenerator<string> {
  const serializer = STREAM_FORMATS[format].create(model);
  const counts = { nodes: 0, edges: 0 };
  yield serializer.begin();
  for await (const item of streamSubgraph(db, model, selection)) {
    onRecord?.(item);
    if (item.kind === 'node') {
      counts.nodes++;
      yield serializer.node(item.node);
    } else {
      counts.edges++;
      yield serializer.edge(item.edge);
    }
  }
  yield serializer.end(counts);
}

/** One file of a CSV export, as text, streamed from Neo4j (of what the selection's principal may see). */
export async function* exportCsvPart(
  db: Database,
  model: GraphModel,
  selection: ResolvedSelection,
  part: CsvPart,
  onRecord?: OnRecord,
): AsyncGenerator<string> {
  const serializer = csvPartSerializer(part);
  yield serializer.begin();
  const only = part.kind === 'nodes' ? { labels: [part.owner as BundleNode['label']] } : { types: [part.owner] };
  for await (const item of streamSubgraph(db, model, selection, only)) {
    onRecord?.(item);
    yield item.kind === 'node' ? serializer.node(item.node) : serializer.edge(item.edge);
  }
}

/**
 * Fails (before anything is written) when a selected node has a list element holding the CSV array
 * delimiter: neo4j-admin's format has no way to write it, and losing it silently is not an option.
 */
export async function checkCsvExportable(db: Database, model: GraphModel, selection: ResolvedSelection): Promise<void> {
  await planClosure(db, model, selection);
  for (const query of listDelimiterQueries(model, selection, ARRAY_DELIMITER)) {
    const result = await db.read(query.cypher, query.params, { deadline: 'export' });
    if (result.records.length) {
      const id = result.records[0].get('id') as string;
      throw new SelectionError([
        { path: 'format', message: `${id} has a list element containing "${ARRAY_DELIMITER}", which CSV (neo4j-admin format) cannot hold; export as json or ndjson` },
      ]);
    }
  }
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/**
 * Writes an export to `out`: a file for the stream formats, a directory (created if needed) of one file
 * per label and per relationship type for CSV, of what the selection's principal may see. Returns what was written.
 */
export async function exportToPath(
  db: Database,
  model: GraphModel,
  selection: ResolvedSelection,
  format: ExportFormat,
  out: string,
  onRecord?: OnRecord,
): Promise<{ nodes: number; edges: number; files: string[] }> {
  const counts = { nodes: 0, edges: 0 };
  const count: OnRecord = (item) => {
    counts[item.kind === 'node' ? 'nodes' : 'edges']++;
    onRecord?.(item);
  };
  if (format !== 'csv') {
    const stream = createWriteStream(out);
    const failed = new Promise<never>((_, reject) => stream.once('error', reject));
    failed.catch(() => {});
    try {
      for await (const text of chunked(exportText(db, model, selection, format, count))) await Promise.race([write(stream, text), failed]);
      await Promise.race([close(stream), failed]);
    } catch (error) {
      stream.destroy();
      throw error;
    }
    return { ...counts, files: [out] };
  }

  await checkCsvExportable(db, model, selection);
  await fsp.mkdir(out, { recursive: true });
  const parts = csvParts(model, selection.labels);
  const files: string[] = [];
  let index = -1;
  let stream: WriteStream | null = null;
  let buffer = '';
  const openNext = async () => {
    if (stream) {
      await write(stream, buffer);
      buffer = '';
      await close(stream);
    }
    index++;
    const part = parts[index];
    const file = path.join(out, part.name);
    files.push(file);
    stream = createWriteStream(file);
    buffer = csvPartSerializer(part).begin();
  };
  const nameOf = (item: ExportItem) => (item.kind === 'node' ? `nodes_${item.node.label}.csv` : `relationships_${item.edge.type}.csv`);
  let serializer = null as ReturnType<typeof csvPartSerializer> | null;
  try {
    for await (const item of streamSubgraph(db, model, selection)) {
      count(item);
      while (index < 0 || parts[index].name !== nameOf(item)) {
        if (index + 1 >= parts.length) throw new Error(`export order broken at ${nameOf(item)}`);
        await openNext();
        serializer = csvPartSerializer(parts[index]);
      }
      buffer += item.kind === 'node' ? serializer!.node(item.node as BundleNode) : serializer!.edge(item.edge as BundleEdge);
      if (buffer.length >= 64 * 1024) {
        await write(stream!, buffer);
        buffer = '';
      }
    }
    while (index + 1 < parts.length) await openNext();
    if (stream) {
      await write(stream, buffer);
      await close(stream);
      stream = null;
    }
  } catch (error) {
    (stream as WriteStream | null)?.destroy();
    throw error;
  }
  return { ...counts, files };
}

export class SubgraphTooLargeError extends SelectionError {
  constructor(what: 'nodes' | 'edges', max: number) {
    super([{ path: what === 'nodes' ? 'maxNodes' : 'maxEdges', message: `the subgraph has more than ${max} ${what}; narrow the selection or use GET /export` }]);
  }
}

/**
 * A small subgraph in bundle form, as `principal` may see it, held in memory (for a GraphQL field that returns it inline). It is
 * streamed like any export and refused as soon as it passes `maxNodes` nodes (or `maxEdges` edges); being
 * part of the typed API, it runs under the query deadline.
 */
export async function collectSubgraph(
  db: Database,
  model: GraphModel,
  selection: Selection,
  principal: Principal,
  { maxNodes = 1000, maxEdges = maxNodes * 10 }: { maxNodes?: number; maxEdges?: number } = {},
): Promise<{ nodes: BundleNode[]; edges: BundleEdge[] }> {
  const resolved = await resolveSelection(db, selection, principal, 'query');
  const nodes: BundleNode[] = [];
  const edges: BundleEdge[] = [];
  for await (const item of streamSubgraph(db, model, resolved, undefined, 'query')) {
    if (item.kind === 'node') {
      if (nodes.length >= maxNodes) throw new SubgraphTooLargeError('nodes', maxNodes);
      nodes.push(item.node);
    } else {
      if (edges.length >= maxEdges) throw new SubgraphTooLargeError('edges', maxEdges);
      edges.push(item.edge);
    }
  }
  return { nodes, edges };
}
