import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ValidRecord } from './bundleSchema.js';

/** Records per chunk: what the spill holds in memory while it is written or read. */
export const SPILL_CHUNK = 1000;

/**
 * The validated records of an import, in the order validation accepted them, kept for the write pass so
 * that it writes exactly what was validated without reading, parsing and checking the input again. Records
 * are held a chunk at a time: a chunk that fills up goes to a temporary file (v8-serialised, which keeps
 * every value exactly as validation left it, unlike JSON: -0, undefined), so memory follows the chunk, not
 * the input. An input that fits in one chunk never touches the disk.
 *
 * The file loses its name as soon as it is opened (it is read and written through its descriptor alone):
 * its space comes back when the spill is closed or the process ends, however it ends, even killed
 * half-way through an import. Where unlinking an open file is refused (Windows), it keeps its name until
 * `close`.
 *
 *   const spill = new RecordSpill();
 *   try { for (const r of validated) spill.add(r); for (const r of spill.records()) write(r); } finally { spill.close(); }
 */
export class RecordSpill {
  private chunk: ValidRecord[] = [];
  private fd: number | null = null;
  /** The directory to remove at `close`, where the file kept its name (see above). */
  private named: string | null = null;
  /** Byte length of each chunk written, in order. */
  private readonly sizes: number[] = [];
  private made: string | null = null;
  count = 0;

  add(record: ValidRecord): void {
    this.chunk.push(record);
    this.count++;
    if (this.chunk.length >= SPILL_CHUNK) this.writeChunk();
  }

  /** Where the file was made (it has no name there once opened, where the system allows). */
  get path(): string | null {
    return this.made;
  }

  /** Bytes on disk so far. */
  get bytes(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  private open(): number {
    const dir = mkdtempSync(path.join(tmpdir(), 'claimgraph-import-'));
    const file = path.join(dir, 'records.v8');
    const fd = openSync(file, 'w+', 0o600);
    this.made = file;
    try {
      unlinkSync(file);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      this.named = dir;
    }
    return fd;
  }

  private writeChunk(): void {
    this.fd ??= this.open();
    const bytes = serialize(this.chunk);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.sizes.push(bytes.length);
    this.chunk = [];
  }

  /** Every record added, in order; can be read any number of times, one chunk in memory at a time. */
  *records(): Generator<ValidRecord> {
    let position = 0;
    for (const size of this.sizes) {
      const buffer = Buffer.allocUnsafe(size);
      let done = 0;
      while (done < size) {
        const n = readSync(this.fd!, buffer, done, size - done, position + done);
        if (n === 0) throw new Error(`the import's temporary file was cut short (${this.path})`);
        done += n;
      }
      position += size;
      yield* deserialize(buffer) as ValidRecord[];
    }
    yield* this.chunk;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    if (this.named) rmSync(this.named, { recursive: true, force: true });
    this.fd = null;
    this.named = null;
    this.sizes.length = 0;
    this.chunk = [];
  }
}
