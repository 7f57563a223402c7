import { jsonErrorMessage, MAX_RECORD_CHARS, replacementPath, formatPath, type ByteSource, type RecordItem } from './records.js';
import { Utf8LineDecoder } from './utf8.js';

export const NDJSON_FORMAT = 'claimgraph-ndjson';

/**
 * Reads claimgraph NDJSON: a header line {"format":"claimgraph-ndjson","version":1}, then one record per
 * line, {"kind":"node",label,id,properties} or {"kind":"edge",type,from,to,properties}, and optionally a
 * last line {"kind":"end","nodes":N,"edges":M} (exports always write it) that lets a cut-short file be
 * told from a complete one. Blank lines are skipped.
 */
export async function* readNdjson(bytes: ByteSource, file?: string, decoder = new Utf8LineDecoder()): AsyncGenerator<RecordItem> {
  const state = new NdjsonState(file, decoder);
  let pending: string[] = [];
  let pendingLength = 0;
  let tooLong = false;
  let line = 0;
  const flushLine = (text: string) => {
    line++;
    const out = tooLong
      ? state.issueAt(line, '(record)', `line is longer than ${MAX_RECORD_CHARS} characters`)
      : state.line(line, text.endsWith('\r') ? text.slice(0, -1) : text);
    pending = [];
    pendingLength = 0;
    tooLong = false;
    return out;
  };
  const feed = function* (text: string): Generator<RecordItem> {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      const piece = text.slice(from, nl);
      const whole = pending.length ? pending.join('') + piece : piece;
      if (!tooLong && pendingLength + piece.length > MAX_RECORD_CHARS) tooLong = true;
      yield* flushLine(tooLong ? '' : whole);
      from = nl + 1;
    }
    const rest = text.slice(from);
    if (rest) {
      pendingLength += rest.length;
      if (pendingLength > MAX_RECORD_CHARS) {
        tooLong = true;
        pending = [];
      } else if (!tooLong) pending.push(rest);
    }
  };
  for await (const chunk of bytes) yield* feed(decoder.decode(chunk));
  yield* feed(decoder.end());
  if (pendingLength > 0 || tooLong) yield* flushLine(pending.join(''));
  yield* state.end(line);
}

class NdjsonState {
  private headerSeen = false;
  private trailer: { line: number; nodes: unknown; edges: unknown } | null = null;
  private nodes = 0;
  private edges = 0;

  constructor(
    private readonly file: string | undefined,
    private readonly decoder: Utf8LineDecoder,
  ) {}

  issueAt(line: number, path: string, message: string): RecordItem[] {
    return [{ kind: 'issue', issue: { file: this.file, line, path, message } }];
  }

  line(line: number, text: string): RecordItem[] {
    if (!text.trim()) return [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const { message } = jsonErrorMessage(error);
      return this.issueAt(line, '(record)', message);
    }
    if (this.decoder.hasInvalid(line, line)) {
      const inner = replacementPath(value);
      const at = this.decoder.invalid.find((x) => x.line === line)!;
      return this.issueAt(line, inner ? formatPath(inner) : '(record)', `invalid UTF-8 (byte ${at.byte})`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return this.issueAt(line, '(record)', 'each line must be a JSON object');
    const record = value as Record<string, unknown>;
    if (!this.headerSeen) {
      this.headerSeen = true;
      const keys = Object.keys(record).sort().join(',');
      if (record.format !== NDJSON_FORMAT || record.version !== 1 || keys !== 'format,version') {
        return this.issueAt(line, 'format', `the first line must be {"format":"${NDJSON_FORMAT}","version":1}`);
      }
      return [];
    }
    if (this.trailer) return this.issueAt(line, 'kind', 'no record may follow the {"kind":"end"} line');
    const { kind, ...rest } = record;
    const loc = { file: this.file, line, path: '' };
    if (kind === 'node') {
      this.nodes++;
      return [{ kind: 'node', value: rest, loc }];
    }
    if (kind === 'edge') {
      this.edges++;
      return [{ kind: 'edge', value: rest, loc }];
    }
    if (kind === 'end') {
      this.trailer = { line, nodes: rest.nodes, edges: rest.edges };
      return [];
    }
    return this.issueAt(line, 'kind', 'must be "node", "edge" or "end"');
  }

  end(lastLine: number): RecordItem[] {
    if (!this.headerSeen) return this.issueAt(Math.max(lastLine, 1), 'format', `empty input: the first line must be {"format":"${NDJSON_FORMAT}","version":1}`);
    const t = this.trailer;
    if (t && (t.nodes !== this.nodes || t.edges !== this.edges)) {
      return this.issueAt(t.line, 'kind', `the end line promises ${String(t.nodes)} nodes and ${String(t.edges)} edges, the file has ${this.nodes} and ${this.edges} (truncated or edited?)`);
    }
    return [];
  }
}
