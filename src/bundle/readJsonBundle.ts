import {
  jsonErrorMessage,
  linesBefore,
  MAX_RECORD_CHARS,
  replacementPath,
  type BundleIssue,
  type ByteSource,
  type RecordItem,
} from './records.js';
import { Utf8LineDecoder } from './utf8.js';
import { FORBIDDEN_KEYS, forbiddenKeyMessage } from '../validation/textRules.js';

/**
 * Reads a JSON bundle ({format, version, nodes: [...], edges: [...]}) as a stream: it scans the text
 * for the top-level fields and the elements of the two arrays, and parses one element at a time, so a
 * bundle of any size is read in constant memory (bounded by its largest record). Every record knows the
 * line it starts on and its index (nodes[3]); truncated or malformed JSON is reported at its line.
 */
export async function* readJsonBundle(bytes: ByteSource, file?: string, decoder = new Utf8LineDecoder()): AsyncGenerator<RecordItem> {
  const scanner = new JsonBundleScanner(file, decoder);
  for await (const chunk of bytes) {
    yield* scanner.push(decoder.decode(chunk));
    if (scanner.failed) break;
  }
  if (!scanner.failed) {
    yield* scanner.push(decoder.end());
    yield* scanner.end();
  }
}

type Mode =
  | 'start'
  | 'key' // expecting a key (or '}' when none seen yet)
  | 'keyAfterComma'
  | 'keyString'
  | 'colon'
  | 'value'
  | 'afterValue'
  | 'arrayStart'
  | 'element'
  | 'afterElement'
  | 'capture'
  | 'done';

const TOP_FIELDS = ['format', 'version', 'nodes', 'edges'] as const;
const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

class JsonBundleScanner {
  failed = false;
  private mode: Mode = 'start';
  private line = 1;
  private key = '';
  private keyParts: string[] = [];
  private keyEscape = false;
  private seen = new Set<string>();
  private arrayName: 'nodes' | 'edges' | null = null;
  private index = 0;
  // capture of one value (an array element or a top-level field)
  private parts: string[] = [];
  private partsLength = 0;
  private tooLarge = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private scalar = false;
  private startLine = 0;
  private out: RecordItem[] = [];

  constructor(
    private readonly file: string | undefined,
    private readonly decoder: Utf8LineDecoder,
  ) {}

  private issue(issue: Omit<BundleIssue, 'file'>) {
    this.out.push({ kind: 'issue', issue: { file: this.file, ...issue } });
  }

  private fail(message: string, path = '(bundle)') {
    this.issue({ line: this.line, path, message });
    this.failed = true;
  }

  private where(): string {
    return this.arrayName ? `${this.arrayName}[${this.index}]` : this.key || '(bundle)';
  }

  push(text: string): RecordItem[] {
    this.out = [];
    let captureFrom = this.mode === 'capture' ? 0 : -1;
    const n = text.length;
    for (let i = 0; i < n && !this.failed; i++) {
      const c = text.charCodeAt(i);
      if (this.mode === 'capture') {
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (c === 92) this.escape = true;
          else if (c === 34) {
            this.inString = false;
            if (this.depth === 0) {
              this.completeCapture(text, captureFrom, i + 1);
              captureFrom = -1;
            }
          } else if (c === 10) this.line++;
          continue;
        }
        if (this.scalar) {
          if (c === 44 || c === 93 || c === 125 || isSpace(c)) {
            this.completeCapture(text, captureFrom, i);
            captureFrom = -1;
            i--; // the delimiter belongs to the enclosing structure
          }
          continue;
        }
        if (c === 34) this.inString = true;
        else if (c === 123 || c === 91) this.depth++;
        else if (c === 125 || c === 93) {
          this.depth--;
          if (this.depth === 0) {
            this.completeCapture(text, captureFrom, i + 1);
            captureFrom = -1;
          }
        } else if (c === 10) this.line++;
        continue;
      }
      if (this.mode === 'keyString') {
        if (this.keyEscape) this.keyEscape = false;
        else if (c === 92) this.keyEscape = true;
        else if (c === 34) {
          this.keyParts.push(text.slice(captureFrom, i));
          captureFrom = -1;
          try {
            this.key = JSON.parse(`"${this.keyParts.join('')}"`) as string;
          } catch {
            this.key = this.keyParts.join('');
          }
          this.mode = 'colon';
        } else if (c === 10) {
          this.fail('invalid JSON: line break inside a key');
        }
        continue;
      }
      if (isSpace(c)) {
        if (c === 10) this.line++;
        continue;
      }
      switch (this.mode) {
        case 'start':
          if (c !== 123) this.fail('a bundle is a JSON object starting with {');
          else this.mode = 'key';
          break;
        case 'key':
        case 'keyAfterComma':
          if (c === 125 && this.mode === 'key') this.mode = 'done';
          else if (c === 34) {
            this.mode = 'keyString';
            this.keyParts = [];
            captureFrom = i + 1;
          } else this.fail('invalid JSON: expected a field name in double quotes');
          break;
        case 'colon':
          if (c !== 58) this.fail(`invalid JSON: expected ':' after "${this.key.slice(0, 40)}"`);
          else this.mode = 'value';
          break;
        case 'value':
          if (FORBIDDEN_KEYS.has(this.key)) {
            this.issue({ line: this.line, path: this.key, message: forbiddenKeyMessage(this.key) });
          } else if (!(TOP_FIELDS as readonly string[]).includes(this.key)) {
            this.issue({ line: this.line, path: this.key.slice(0, 80), message: `unknown field; a bundle has ${TOP_FIELDS.join(', ')}` });
          } else if (this.seen.has(this.key)) {
            this.issue({ line: this.line, path: this.key, message: 'field given twice' });
          }
          this.seen.add(this.key);
          if ((this.key === 'nodes' || this.key === 'edges') && c === 91) {
            this.arrayName = this.key;
            this.index = 0;
            this.mode = 'arrayStart';
          } else {
            this.startCapture(c);
            captureFrom = i;
          }
          break;
        case 'afterValue':
          if (c === 44) this.mode = 'keyAfterComma';
          else if (c === 125) this.mode = 'done';
          else this.fail("invalid JSON: expected ',' or '}' after a field");
          break;
        case 'arrayStart':
        case 'element':
          if (c === 93 && this.mode === 'arrayStart') {
            this.arrayName = null;
            this.mode = 'afterValue';
          } else if (c === 93) {
            this.fail(`invalid JSON: a comma before ] (after ${this.arrayName}[${this.index - 1}])`, this.where());
          } else {
            this.startCapture(c);
            captureFrom = i;
          }
          break;
        case 'afterElement':
          if (c === 44) {
            this.index++;
            this.mode = 'element';
          } else if (c === 93) {
            this.arrayName = null;
            this.mode = 'afterValue';
          } else this.fail(`invalid JSON: expected ',' or ']' after ${this.where()}`, this.where());
          break;
        case 'done':
          this.fail('invalid JSON: content after the end of the bundle');
          break;
      }
    }
    if (!this.failed && captureFrom >= 0) {
      if (this.mode === 'capture') this.appendPart(text.slice(captureFrom));
      else if (this.mode === 'keyString') this.keyParts.push(text.slice(captureFrom));
    }
    return this.out;
  }

  private startCapture(c: number) {
    this.mode = 'capture';
    this.parts = [];
    this.partsLength = 0;
    this.tooLarge = false;
    this.depth = c === 123 || c === 91 ? 1 : 0;
    this.inString = c === 34;
    this.escape = false;
    this.scalar = !(c === 123 || c === 91 || c === 34);
    this.startLine = this.line;
  }

  private appendPart(part: string) {
    if (this.tooLarge) return;
    this.partsLength += part.length;
    if (this.partsLength > MAX_RECORD_CHARS) {
      this.tooLarge = true;
      this.parts = [];
    } else this.parts.push(part);
  }

  private completeCapture(text: string, from: number, to: number) {
    this.appendPart(text.slice(from, to));
    this.scalar = false;
    const where = this.where();
    if (this.tooLarge) {
      this.issue({ line: this.startLine, path: where, message: `record is larger than ${MAX_RECORD_CHARS} characters` });
    } else {
      const source = this.parts.join('');
      let value: unknown;
      let ok = true;
      try {
        value = JSON.parse(source);
      } catch (error) {
        ok = false;
        const { message, position } = jsonErrorMessage(error);
        this.issue({ line: this.startLine + (position === undefined ? 0 : linesBefore(source, position)), path: where, message });
      }
      if (ok) this.deliver(value, where);
    }
    this.parts = [];
    this.mode = this.arrayName ? 'afterElement' : 'afterValue';
  }

  private deliver(value: unknown, where: string) {
    const endLine = this.line;
    if (this.decoder.hasInvalid(this.startLine, endLine)) {
      const inner = replacementPath(value);
      const at = this.decoder.invalid.find((x) => x.line >= this.startLine && x.line <= endLine)!;
      this.issue({
        line: at.line,
        path: inner ? `${where}${inner.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}` : where,
        message: `invalid UTF-8 (byte ${at.byte})`,
      });
      return;
    }
    if (this.arrayName) {
      const kind = this.arrayName === 'nodes' ? 'node' : 'edge';
      this.out.push({ kind, value, loc: { file: this.file, line: this.startLine, path: where } });
      return;
    }
    if (this.key === 'format' && value !== 'claimgraph-bundle') {
      this.issue({ line: this.startLine, path: 'format', message: 'must be "claimgraph-bundle"' });
    } else if (this.key === 'version' && value !== 1) {
      this.issue({ line: this.startLine, path: 'version', message: 'must be 1 (the only version there is)' });
    } else if (this.key === 'nodes' || this.key === 'edges') {
      this.issue({ line: this.startLine, path: this.key, message: 'must be an array' });
    }
  }

  end(): RecordItem[] {
    this.out = [];
    if (this.failed) return this.out;
    if (this.mode === 'capture' && this.scalar) {
      // a bare scalar can only end at a delimiter; at the end of input it is cut short
      this.fail(`invalid JSON: unexpected end of input in ${this.where()} (truncated?)`, this.where());
    } else if (this.mode !== 'done') {
      this.fail(`unexpected end of input${this.mode === 'start' ? '' : ` in ${this.where()}`}: the JSON is truncated or incomplete`, this.where());
    } else {
      for (const field of TOP_FIELDS) {
        if (!this.seen.has(field)) this.issue({ line: this.line, path: field, message: 'is required' });
      }
    }
    return this.out;
  }
}
