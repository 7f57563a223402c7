import { isUtf8 } from 'node:buffer';

/**
 * Decodes a byte stream as UTF-8 chunk by chunk without ever throwing: invalid bytes become U+FFFD and
 * the line (1-based) and byte offset of each are remembered, so a reader can report "invalid UTF-8" at
 * the record and field that hold them. A leading byte-order mark is dropped.
 */
export class Utf8LineDecoder {
  /** Lines with invalid bytes, in order (the first few hundred only). */
  readonly invalid: Array<{ line: number; byte: number }> = [];
  private carry: Buffer = Buffer.alloc(0);
  private bytes = 0;
  private lines = 1;
  private first = true;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  decode(chunk: Uint8Array): string {
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const cut = completeLength(buf);
    this.carry = Buffer.from(buf.subarray(cut));
    buf = buf.subarray(0, cut);
    return this.take(buf);
  }

  /** Decodes whatever is left; an incomplete sequence at the end is invalid. */
  end(): string {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    return rest.length ? this.take(rest) : '';
  }

  /** True when a line in [from, to] holds invalid bytes. */
  hasInvalid(from: number, to: number): boolean {
    return this.invalid.some((i) => i.line >= from && i.line <= to);
  }

  private take(buf: Buffer): string {
    if (!isUtf8(buf)) {
      for (const offset of invalidOffsets(buf)) {
        if (this.invalid.length >= 500) break;
        this.invalid.push({ line: this.lines + countNewlines(buf, 0, offset), byte: this.bytes + offset });
      }
    }
    this.lines += countNewlines(buf, 0, buf.length);
    this.bytes += buf.length;
    let text = this.decoder.decode(buf);
    if (this.first && text.length) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(10, from); i !== -1 && i < to; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** How many leading bytes of buf end on a sequence boundary (an incomplete last sequence is held back). */
function completeLength(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Byte offsets where an invalid sequence starts (RFC 3629: no overlongs, surrogates or values past U+10FFFF). */
export function invalidOffsets(buf: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else {
      out.push(i);
      i++;
      continue;
    }
    let ok = i + need < buf.length; // the whole sequence is in the buffer
    if (ok) {
      const second = buf[i + 1];
      if (second < min || second > max) ok = false;
      for (let k = 2; ok && k <= need; k++) if ((buf[i + k] & 0xc0) !== 0x80) ok = false;
    }
    if (!ok) {
      out.push(i);
      i++;
    } else i += need + 1;
  }
  return out;
}
