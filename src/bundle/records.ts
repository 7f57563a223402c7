/**
 * What the bundle readers (JSON, NDJSON, CSV, in-memory objects) hand to the validator: one record at a
 * time with where it came from, or a problem found while reading. Records keep the bundle shape
 * ({label, id, properties} / {type, from, to, properties}) whatever the input format was.
 */

export interface BundleIssue {
  /** The file, when the input came from one (a CSV directory has several). */
  file?: string;
  /** 1-based line where the record (or the problem) starts. */
  line?: number;
  /** Where in the record: e.g. nodes[3].properties.statedAt.start (JSON), properties.name (NDJSON), statedAtStart (CSV column). */
  path: string;
  message: string;
}

export interface RecordLocation {
  file?: string;
  line?: number;
  /** Prefix of the record in its input, e.g. nodes[3]; empty for line-based formats. */
  path: string;
  /** Maps a path inside the record to the name the input uses (CSV: the column); default joins with dots. */
  fieldOf?: (path: ReadonlyArray<string | number>) => string;
}

export type RecordItem =
  | { kind: 'node'; value: unknown; loc: RecordLocation }
  | { kind: 'edge'; value: unknown; loc: RecordLocation }
  | { kind: 'issue'; issue: BundleIssue };

/** Joins a path the way the bundle docs write it: nodes[3].properties.name */
export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The path of a problem inside a record, as its input names it. */
export function issuePath(loc: RecordLocation, inner: ReadonlyArray<string | number>): string {
  if (loc.fieldOf) return loc.fieldOf(inner) || '(record)';
  const innerText = formatPath(inner);
  if (!loc.path) return innerText || '(record)';
  if (!innerText) return loc.path;
  return typeof inner[0] === 'number' ? `${loc.path}${innerText}` : `${loc.path}.${innerText}`;
}

/** The path of the first string in a parsed value holding U+FFFD (where invalid UTF-8 was replaced). */
export function replacementPath(value: unknown, path: Array<string | number> = []): Array<string | number> | null {
  if (typeof value === 'string') return value.includes('\uFFFD') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = replacementPath(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\uFFFD')) return [...path, key];
      const found = replacementPath(inner, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** A JSON.parse error message without the snippet of input V8 quotes (which may be huge or garbled). */
export function jsonErrorMessage(error: unknown): { message: string; position?: number } {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(raw);
  const message = raw
    .replace(/,?\s*"(?:[^"\\]|\\.)*"\s+is not valid JSON/s, '')
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s+at position \d+/, '')
    .trim();
  return { message: `invalid JSON: ${message || 'syntax error'}`, position: position ? Number(position[1]) : undefined };
}

/** Lines in text before a UTF-16 offset. */
export function linesBefore(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Bytes from a stream, with the decoder fed as they come. */
export type ByteSource = AsyncIterable<Uint8Array>;

/** Records longer than this (in UTF-16 code units) are refused without being parsed. */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;
