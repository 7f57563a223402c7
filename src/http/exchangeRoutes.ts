import { createWriteStream, mkdtempSync, promises as fsp } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import type { Logger } from 'pino';
import { GraphQLError } from 'graphql';
import type { Database } from '../neo4j/database.js';
import type { GraphModel } from '../model/graphModel.js';
import { ErrorCode } from '../errors.js';
import { LABELS } from '../ids.js';
import { writerOf } from '../changelog/writeTransaction.js';
import { BundleValidationError, type BundleIssue } from '../bundle/bundleSchema.js';
import { importRecords, MAX_BATCH_SIZE } from '../bundle/importBundle.js';
import { csvFilesSource, recordFileSource, type InputFormat } from '../bundle/importSources.js';
import { EXPORT_FORMATS, STREAM_FORMATS, type ExportFormat } from '../export/formats/index.js';
import { CSV_CONTENT_TYPE, csvParts } from '../export/formats/csv.js';
import { checkCsvExportable, chunked, exportCsvPart, exportText, type StreamFormat } from '../export/exportSubgraph.js';
import { SelectionError } from '../export/selection.js';
import { resolveSelection } from '../export/streamSubgraph.js';
import { zipStream } from '../export/zipStream.js';

/**
 * Bulk exchange over HTTP, beside /graphql:
 *   POST /import            a bundle as the body (JSON, NDJSON or one CSV file, by Content-Type); the body is
 *                           spooled to a temporary file (size-limited), validated whole, then written in
 *                           batches. 200 with what changed; 400 with every problem (file, line, field).
 *   GET|POST /export        a subgraph, streamed chunked in any export format; CSV is a ZIP of the files
 *                           (or one of them with ?part=nodes_Place.csv).
 * Errors answer in GraphQL's shape: {errors: [{message, extensions: {code, …where}}]}.
 */

export interface ExchangeRouteOptions {
  db: Database;
  model: GraphModel;
  log: Logger;
  /** Largest import body accepted, in bytes (default 1 GiB). */
  maxImportBytes?: number;
}

export const DEFAULT_MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

type HttpError = { status: number; headers?: Record<string, string>; errors: Array<{ message: string; extensions: Record<string, unknown> }> };

const fail = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): HttpError => ({
  status,
  errors: [{ message, extensions: { code, ...extra } }],
});

function send(res: express.Response, error: HttpError) {
  for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
  res.status(error.status).json({ errors: error.errors });
}

const where = (i: BundleIssue) => `${i.file ?? ''}${i.line !== undefined ? `${i.file ? ':' : 'line '}${i.line}` : ''}`;

function validationErrors(error: BundleValidationError): HttpError {
  const errors = error.issues.map((i) => ({
    message: `${where(i) ? `${where(i)}: ` : ''}${i.path}: ${i.message}`,
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(i.file !== undefined ? { file: i.file } : {}), ...(i.line !== undefined ? { line: i.line } : {}), path: i.path },
  }));
  if (error.total > error.issues.length) {
    errors.push({ message: `… and ${error.total - error.issues.length} more problems`, extensions: { code: ErrorCode.BAD_USER_INPUT, more: error.total - error.issues.length } as never });
  }
  return { status: 400, errors };
}

function selectionErrors(error: SelectionError): HttpError {
  return {
    status: error.code === 'NOT_FOUND' ? 404 : 400,
    errors: error.issues.map((i) => ({ message: `${i.path}: ${i.message}`, extensions: { code: error.code, argument: i.path } })),
  };
}

/**
 * The GraphQLErrors the database layer raises (DATABASE_UNAVAILABLE, QUERY_TIMEOUT) keep their code, status
 * (503) and headers (Retry-After); `advice` is added to their message.
 */
function knownError(error: unknown, advice = ''): HttpError | null {
  if (error instanceof BundleValidationError) return validationErrors(error);
  if (error instanceof SelectionError) return selectionErrors(error);
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  if (error instanceof GraphQLError && (code === ErrorCode.DATABASE_UNAVAILABLE || code === ErrorCode.QUERY_TIMEOUT)) {
    const http = error.extensions.http as { status: number; headers: Map<string, string> } | undefined;
    const { http: _http, ...extensions } = error.extensions;
    return { status: http?.status ?? 503, headers: Object.fromEntries(http?.headers ?? []), errors: [{ message: `${error.message}${advice}`, extensions }] };
  }
  return null;
}

const IMPORT_TYPES: Record<string, InputFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'text/csv': 'csv',
};

class TooLargeError extends Error {}

/** Copies the request body to `file`, refusing it past `max` bytes. */
async function spool(req: express.Request, file: string, max: number): Promise<number> {
  const out = createWriteStream(file);
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > max) throw new TooLargeError();
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return size;
  } catch (error) {
    out.destroy();
    throw error;
  }
}

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
  return items;
}

/** A selection from query parameters (GET) or a JSON body (POST): seed(s), depth, label(s), from, to, within. */
function selectionFrom(input: Record<string, unknown>): Record<string, unknown> {
  const selection: Record<string, unknown> = {};
  const seeds = list(input.seeds ?? input.seed);
  if (seeds) selection.seeds = seeds;
  if (input.depth !== undefined) selection.depth = typeof input.depth === 'number' ? input.depth : /^\d+$/.test(String(input.depth)) ? Number(input.depth) : String(input.depth);
  const labels = list(input.labels ?? input.label);
  if (labels) selection.labels = labels.map((l) => LABELS.find((known) => known.toLowerCase() === l.toLowerCase()) ?? l);
  for (const key of ['from', 'to', 'within'] as const) if (input[key] !== undefined) selection[key] = input[key];
  return selection;
}

const KNOWN_EXPORT_PARAMS = new Set(['format', 'part', 'seed', 'seeds', 'depth', 'label', 'labels', 'from', 'to', 'within', 'selection']);

/** Writes a chunk; false once the client has gone (then the export stops and its transaction rolls back). */
async function write(res: express.Response, chunk: string | Buffer): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(chunk)) return true;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

export function mountExchangeRoutes(app: express.Express, { db, model, log, maxImportBytes = DEFAULT_MAX_IMPORT_BYTES }: ExchangeRouteOptions): void {
  app.post('/import', async (req, res) => {
    const mediaType = (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const format = (typeof req.query.format === 'string' ? req.query.format : IMPORT_TYPES[mediaType]) as InputFormat | undefined;
    if (!format || !['json', 'ndjson', 'csv'].includes(format)) {
      return send(
        res,
        fail(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the bundle as application/json, application/x-ndjson or text/csv (got ${mediaType || 'no Content-Type'}).`),
      );
    }
    const declared = Number(req.header('content-length') ?? 0);
    if (declared > maxImportBytes) return send(res, fail(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxImportBytes} bytes; use the CLI for bigger imports.`));
    const batchSize = req.query.batchSize === undefined ? undefined : Number(req.query.batchSize);
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE)) {
      return send(res, fail(400, ErrorCode.BAD_USER_INPUT, `batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}.`, { argument: 'batchSize' }));
    }
    const dryRun = req.query.dryRun === 'true' || req.query.dryRun === '1';
    const dir = mkdtempSync(path.join(tmpdir(), 'claimgraph-import-'));
    // the body is read twice (validate, then write), so it is kept on disk rather than in memory
    const file = path.join(dir, format === 'csv' ? 'body.csv' : 'body');
    try {
      try {
        await spool(req, file, maxImportBytes);
      } catch (error) {
        if (error instanceof TooLargeError) {
          res.setHeader('Connection', 'close');
          return send(res, fail(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxImportBytes} bytes; use the CLI for bigger imports.`));
        }
        throw error;
      }
      const source = format === 'csv' ? await csvFilesSource([file], model) : recordFileSource(file, format, 'body');
      const report = await importRecords(db, model, source, { batchSize, dryRun, who: writerOf({ user: req.header('x-claimgraph-user') ?? undefined }) });
      res.status(200).json({ ...report, dryRun });
    } catch (error) {
      const known = knownError(error, dryRun ? '' : ' The batches committed so far stay (each batch whole or not at all); sending the same bundle again completes the import.');
      if (known) return send(res, known);
      log.error({ err: error }, 'import failed');
      send(
        res,
        fail(500, ErrorCode.INTERNAL_SERVER_ERROR, 'The import failed while writing. Batches committed so far stay; sending the same bundle again completes it.'),
      );
    } finally {
      await fsp.rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  });

  const exportHandler = async (req: express.Request, res: express.Response) => {
    const input: Record<string, unknown> =
      req.method === 'POST' ? { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown> | undefined) ?? {}) } : (req.query as Record<string, unknown>);
    if (req.method === 'POST' && (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))) {
      return send(res, fail(400, ErrorCode.BAD_USER_INPUT, 'The body must be a JSON object: {"format": …, "selection": {…}}.'));
    }
    const unknown = Object.keys(input).filter((k) => !KNOWN_EXPORT_PARAMS.has(k));
    if (unknown.length) return send(res, fail(400, ErrorCode.BAD_USER_INPUT, `Unknown parameter ${unknown[0]}.`, { argument: unknown[0] }));
    const format = String(input.format ?? 'json').toLowerCase() as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) {
      return send(res, fail(400, ErrorCode.BAD_USER_INPUT, `format must be one of ${EXPORT_FORMATS.join(', ')}.`, { argument: 'format' }));
    }
    const raw = typeof input.selection === 'object' && input.selection !== null ? (input.selection as Record<string, unknown>) : input;
    const parts = format === 'csv' ? csvParts(model) : [];
    const part = input.part === undefined ? undefined : parts.find((p) => p.name === String(input.part));
    if (input.part !== undefined && !part) {
      return send(res, fail(400, ErrorCode.BAD_USER_INPUT, `part must be one of the CSV files (${parts.map((p) => p.name).join(', ')}), with format=csv.`, { argument: 'part' }));
    }
    let started = false;
    try {
      const selection = await resolveSelection(db, selectionFrom(raw));
      if (format === 'csv') await checkCsvExportable(db, model, selection);
      const base = 'claimgraph-export';
      let body: AsyncIterable<string | Buffer>;
      if (format !== 'csv') {
        const info = STREAM_FORMATS[format as StreamFormat];
        res.setHeader('Content-Type', info.contentType);
        res.setHeader('Content-Disposition', `attachment; filename="${base}.${info.extension}"`);
        body = chunked(exportText(db, model, selection, format as StreamFormat));
      } else if (part) {
        res.setHeader('Content-Type', CSV_CONTENT_TYPE);
        res.setHeader('Content-Disposition', `attachment; filename="${part.name}"`);
        body = chunked(exportCsvPart(db, model, selection, part));
      } else {
        res.setHeader('Content-Type', 'application/zip');
        res.setHeader('Content-Disposition', `attachment; filename="${base}-csv.zip"`);
        const wanted = csvParts(model, selection.labels);
        body = zipStream(wanted.map((p) => ({ name: p.name, data: chunked(exportCsvPart(db, model, selection, p)) })));
      }
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.status(200);
      for await (const chunk of body) {
        if (!started) {
          // headers go out with the first chunk, so an error found before it still gets a proper status
          res.flushHeaders();
          started = true;
        }
        if (!(await write(res, chunk))) return; // the client hung up: leaving the loop ends the export
      }
      res.end();
    } catch (error) {
      if (!started && !res.headersSent) {
        res.removeHeader('Content-Disposition');
        const known = knownError(error);
        if (known) return send(res, known);
        log.error({ err: error }, 'export failed');
        return send(res, fail(500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.'));
      }
      // Mid-stream, the status is gone: cut the connection so the client sees a truncated (unterminated) body.
      log.error({ err: error }, 'export failed mid-stream');
      res.destroy();
    }
  };
  app.get('/export', exportHandler);
  app.post('/export', express.json({ limit: '1mb' }), exportHandler);
}
