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
import { ImportForbiddenError, importRecords, MAX_BATCH_SIZE } from '../bundle/importBundle.js';
import { Visibility } from '../auth/visibility.js';
import { csvFilesSource, recordFileSource, type InputFormat } from '../bundle/importSources.js';
import { EXPORT_FORMATS, STREAM_FORMATS, type ExportFormat } from '../export/formats/index.js';
import { CSV_CONTENT_TYPE, csvParts } from '../export/formats/csv.js';
import { checkCsvExportable, chunked, exportCsvPart, exportText, type StreamFormat } from '../export/exportSubgraph.js';
import { SelectionError } from '../export/selection.js';
import { resolveSelection } from '../export/streamSubgraph.js';
import { zipStream } from '../export/zipStream.js';
import { mediaTypeOf } from './httpErrors.js';
import { setBookmarkHeader } from './bookmarkHeader.js';
import { requestPrincipal } from '../auth/authenticationMiddleware.js';
import { roleAtLeast } from '../auth/principal.js';
import { wwwAuthenticate } from '../auth/accessErrors.js';

/**
 * Bulk exchange over HTTP, beside /graphql:
 *   POST /import            a bundle as the body (JSON, NDJSON or one CSV file, by Content-Type); the body is
 *                           spooled to a temporary file (size-limited), validated whole, then written in
 *                           batches. 200 with what changed; 400 with every problem (file, line, field).
 *   GET|POST /export        a subgraph, streamed chunked in any export format; CSV is a ZIP of the files
 *                           (or one of them with ?part=nodes_Place.csv).
 * Errors answer in GraphQL's shape: {errors: [{message, extensions: {code, …where}}]}.
 * Both sit behind authenticationMiddleware (res.locals.principal): importing needs the editor role, and
 * the change log records the principal's name; an export is of what the principal may see.
 */

export interface ExchangeRouteOptions {
  /** The database, for requests that come without a view of their own (res.locals.db, see bookmarkHeader.ts). */
  db: Database;
  model: GraphModel;
  log: Logger;
  /** Largest import body accepted, in bytes (default 1 GiB). */
  maxImportBytes?: number;
  /** Largest JSON body of POST /export, in bytes. */
  maxBodyBytes?: number;
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

/** 403: records the importer may not write; nothing was written. */
function forbiddenErrors(error: ImportForbiddenError): HttpError {
  const errors = error.issues.map((i) => ({
    message: `${where(i) ? `${where(i)}: ` : ''}${i.path}: ${i.message}`,
    extensions: { code: ErrorCode.FORBIDDEN, ...(i.file !== undefined ? { file: i.file } : {}), ...(i.line !== undefined ? { line: i.line } : {}), path: i.path },
  }));
  if (error.total > error.issues.length) {
    errors.push({ message: `… and ${error.total - error.issues.length} more`, extensions: { code: ErrorCode.FORBIDDEN, more: error.total - error.issues.length } as never });
  }
  return { status: 403, errors };
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
  if (error instanceof ImportForbiddenError) return forbiddenErrors(error);
  if (error instanceof SelectionError) return selectionErrors(error);
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  if (error instanceof GraphQLError && (code === ErrorCode.DATABASE_UNAVAILABLE || code === ErrorCode.QUERY_TIMEOUT)) {
    const http = error.extensions.http as { status: number; headers: Map<string, string> } | undefined;
    const { http: _http, ...extensions } = error.extensions;
    return { status: http?.status ?? 503, headers: Object.fromEntries(http?.headers ?? []), errors: [{ message: `${error.message}${advice}`, extensions }] };
  }
  // A bookmark Neo4j could not read (X-Claimgraph-Bookmark), refused before anything was written or read.
  if (error instanceof GraphQLError && code === ErrorCode.BAD_USER_INPUT) return { status: 400, errors: [{ message: error.message, extensions: error.extensions }] };
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

/** The keys of a selection; `seed` and `label` are accepted as the singular of `seeds` and `labels`. */
const SELECTION_KEYS = ['seed', 'seeds', 'depth', 'label', 'labels', 'from', 'to', 'within', 'closure'];
const KNOWN_EXPORT_PARAMS = new Set(['format', 'part', 'selection', ...SELECTION_KEYS]);

/**
 * A selection from query parameters (GET), a JSON body (POST), or a `selection` object in either (in a
 * query string, as JSON text). Every key given is either honoured or refused by parseSelection: none is
 * dropped, so a mistyped key can never widen the export to more than was asked for.
 */
function selectionFrom(input: Record<string, unknown>): Record<string, unknown> {
  const selection: Record<string, unknown> = { ...input };
  if ('seed' in input || 'seeds' in input) {
    delete selection.seed;
    if ('seed' in input && 'seeds' in input) throw new SelectionError([{ path: 'seed', message: 'give seed or seeds, not both' }]);
    selection.seeds = list(input.seeds ?? input.seed) ?? input.seeds ?? input.seed;
  }
  if ('label' in input || 'labels' in input) {
    delete selection.label;
    if ('label' in input && 'labels' in input) throw new SelectionError([{ path: 'label', message: 'give label or labels, not both' }]);
    const labels = list(input.labels ?? input.label);
    selection.labels = labels ? labels.map((l) => LABELS.find((known) => known.toLowerCase() === l.toLowerCase()) ?? l) : input.labels ?? input.label;
  }
  if (typeof input.depth === 'string' && /^\d{1,6}$/.test(input.depth)) selection.depth = Number(input.depth);
  return selection;
}

/** The selection of an export request: the `selection` object, or the selection keys beside format and part. */
function selectionOf(input: Record<string, unknown>): Record<string, unknown> {
  const flat = Object.fromEntries(Object.entries(input).filter(([k]) => SELECTION_KEYS.includes(k)));
  if (input.selection === undefined) return selectionFrom(flat);
  if (Object.keys(flat).length) {
    throw new SelectionError([{ path: Object.keys(flat)[0], message: 'give the selection either as `selection` or as separate keys, not both' }]);
  }
  let selection = input.selection;
  if (typeof selection === 'string') {
    try {
      selection = JSON.parse(selection);
    } catch {
      throw new SelectionError([{ path: 'selection', message: 'must be a JSON object, like {"seeds":["place:kupyansk"],"depth":2}' }]);
    }
  }
  if (typeof selection !== 'object' || selection === null || Array.isArray(selection)) {
    throw new SelectionError([{ path: 'selection', message: 'must be an object, like {"seeds":["place:kupyansk"],"depth":2}' }]);
  }
  return selectionFrom(selection as Record<string, unknown>);
}

/** Writes a chunk; false once the client has gone (then the export stops and its transaction rolls back). */
async function write(res: express.Response, chunk: string | Buffer): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(chunk)) return true;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

const KNOWN_IMPORT_PARAMS = new Set(['format', 'batchSize', 'dryRun']);
const BOOLEANS: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

export function mountExchangeRoutes(
  app: express.Express,
  { db: database, model, log, maxImportBytes = DEFAULT_MAX_IMPORT_BYTES, maxBodyBytes = 1024 * 1024 }: ExchangeRouteOptions,
): void {
  // The request's view: its bookmarks in and out (X-Claimgraph-Bookmark), a few transactions at once.
  const viewOf = (res: express.Response) => (res.locals.db as Database | undefined) ?? database.forRequest();
  app.post('/import', async (req, res) => {
    // Decided before the body is read: a reader's bundle is never spooled, parsed or validated.
    const principal = requestPrincipal(res);
    if (!roleAtLeast(principal, 'editor')) {
      if (principal.kind === 'anonymous') {
        return send(res, {
          ...fail(401, ErrorCode.UNAUTHENTICATED, 'Importing needs the editor role: authenticate with an API key or token (Authorization: Bearer …).'),
          headers: { 'WWW-Authenticate': wwwAuthenticate(false) },
        });
      }
      return send(res, fail(403, ErrorCode.FORBIDDEN, `Importing needs the editor role; ${principal.name} is a ${principal.role}.`, { requiredRole: 'editor' }));
    }
    const db = viewOf(res);
    const unknown = Object.keys(req.query).filter((k) => !KNOWN_IMPORT_PARAMS.has(k));
    if (unknown.length) return send(res, fail(400, ErrorCode.BAD_USER_INPUT, `Unknown parameter ${unknown[0]}.`, { argument: unknown[0] }));
    // The format is the body's media type. None of these is a type an HTML form or a "simple" cross-site
    // request can send, so a web page cannot make a browser write into the graph (the rule /graphql's CSRF
    // prevention follows); ?format= may only repeat what the media type says.
    const mediaType = mediaTypeOf(req);
    const format = IMPORT_TYPES[mediaType];
    if (!format) {
      return send(
        res,
        fail(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Send the bundle as application/json, application/x-ndjson or text/csv (got ${mediaType || 'no Content-Type'}).`),
      );
    }
    if (req.query.format !== undefined && req.query.format !== format) {
      return send(
        res,
        fail(400, ErrorCode.BAD_USER_INPUT, `format=${String(req.query.format).slice(0, 40)} does not match the Content-Type ${mediaType} (${format}); leave format out.`, {
          argument: 'format',
        }),
      );
    }
    const declared = Number(req.header('content-length') ?? 0);
    if (declared > maxImportBytes) return send(res, fail(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxImportBytes} bytes; use the CLI for bigger imports.`));
    const batchSize = req.query.batchSize === undefined ? undefined : Number(req.query.batchSize);
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE)) {
      return send(res, fail(400, ErrorCode.BAD_USER_INPUT, `batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}.`, { argument: 'batchSize' }));
    }
    if (req.query.dryRun !== undefined && !(String(req.query.dryRun) in BOOLEANS)) {
      return send(res, fail(400, ErrorCode.BAD_USER_INPUT, 'dryRun must be true or false.', { argument: 'dryRun' }));
    }
    const dryRun = req.query.dryRun !== undefined && BOOLEANS[String(req.query.dryRun)];
    const dir = mkdtempSync(path.join(tmpdir(), 'claimgraph-import-'));
    // kept on disk rather than in memory: a refusal reads the body again to locate its problems
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
      // The importer writes only what it may see (records above its clearance refuse the import whole).
      const report = await importRecords(db, model, source, { batchSize, dryRun, who: writerOf({ principal }), visibility: Visibility.of(principal) });
      await setBookmarkHeader(res, db);
      res.status(200).json({ ...report, dryRun });
    } catch (error) {
      // Batches committed before a failure stay: their bookmark goes back all the same.
      await setBookmarkHeader(res, db);
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
    const db = viewOf(res);
    // Every role may export; what the principal may see is all the export holds.
    const principal = requestPrincipal(res);
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
    const parts = format === 'csv' ? csvParts(model) : [];
    const part = input.part === undefined ? undefined : parts.find((p) => p.name === String(input.part));
    if (input.part !== undefined && !part) {
      return send(res, fail(400, ErrorCode.BAD_USER_INPUT, `part must be one of the CSV files (${parts.map((p) => p.name).join(', ')}), with format=csv.`, { argument: 'part' }));
    }
    let started = false;
    try {
      const selection = await resolveSelection(db, selectionOf(input), principal);
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
      await setBookmarkHeader(res, db);
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
        await setBookmarkHeader(res, db);
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
  app.post(
    '/export',
    (req, res, next) =>
      mediaTypeOf(req) === 'application/json'
        ? next()
        : send(res, fail(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Send the selection as application/json (got ${mediaTypeOf(req) || 'no Content-Type'}).`)),
    express.json({ limit: maxBodyBytes }),
    exportHandler,
  );
  app.all(['/import', '/export'], (req, res) => {
    const allow = req.path === '/import' ? ['POST'] : ['GET', 'POST'];
    res.setHeader('Allow', allow.join(', '));
    send(res, fail(405, ErrorCode.METHOD_NOT_ALLOWED, `${req.method} is not allowed on ${req.path}; use ${allow.join(' or ')}.`, { allow }));
  });
}
