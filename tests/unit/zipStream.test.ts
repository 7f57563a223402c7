import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { zipStream, type ZipEntry } from '../../src/export/zipStream.js';

/**
 * The streamed ZIP of the CSV export over HTTP, read back by yauzl (a reader that checks CRCs and sizes
 * and understands ZIP64): names, contents and order; the same bytes for the same entries in any time
 * zone; ZIP64 when forced; a failing entry fails the archive; a
 * consumer that stops early stops the entries' reading.
 */

const entry = (name: string, parts: Array<string | Uint8Array>): ZipEntry => ({ name, data: (async function* () { yield* parts; })() });

async function zip(entries: ZipEntry[], options?: { forceZip64?: boolean }): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of zipStream(entries, options)) out.push(chunk);
  return Buffer.concat(out);
}

interface ReadEntry {
  name: string;
  text: string;
  entry: yauzl.Entry;
}

async function read(archive: Buffer): Promise<{ entries: ReadEntry[]; count: number }> {
  const file = await yauzl.fromBufferPromise(archive);
  const entries: ReadEntry[] = [];
  for await (const e of file.eachEntry()) {
    const stream = await file.openReadStreamPromise(e);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    entries.push({ name: e.fileName, text: Buffer.concat(chunks).toString('utf8'), entry: e });
  }
  return { entries, count: file.entryCount };
}

const ZIP64_EOCD_RECORD = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
const ZIP64_EOCD_LOCATOR = Buffer.from([0x50, 0x4b, 0x06, 0x07]);
const ZIP64_EXTRA_FIELD = 0x0001;

describe('zipStream', () => {
  it('holds each entry with its name and content, in order, deflated, with UTF-8 names', async () => {
    const big = 'id:ID,:LABEL,name\n' + Array.from({ length: 5000 }, (_, i) => `place:p${i},Place,"Куп'янськ ${i}"\n`).join('');
    const archive = await zip([
      entry('nodes_Place.csv', [big.slice(0, 1000), Buffer.from(big.slice(1000), 'utf8')]),
      entry('relationships_ABOUT.csv', [':START_ID,:END_ID,:TYPE,role\n']),
      entry('empty.csv', []),
      entry('Куп’янськ.csv', ['x\n']),
    ]);
    const { entries } = await read(archive);
    expect(entries.map((e) => e.name)).toEqual(['nodes_Place.csv', 'relationships_ABOUT.csv', 'empty.csv', 'Куп’янськ.csv']);
    expect(entries[0].text).toBe(big);
    expect(entries[1].text).toBe(':START_ID,:END_ID,:TYPE,role\n');
    expect(entries[2].text).toBe('');
    expect(entries[3].text).toBe('x\n');
    expect(entries[0].entry.compressionMethod).toBe(8); // deflate
    expect(entries[0].entry.compressedSize).toBeLessThan(big.length / 3);
    expect(entries.every((e) => (e.entry.generalPurposeBitFlag & 0x800) !== 0)).toBe(true); // UTF-8 names
    // small archives stay plain ZIP: readers without ZIP64 open them
    expect(archive.includes(ZIP64_EOCD_RECORD)).toBe(false);
    expect(entries.every((e) => e.entry.versionNeededToExtract === 20)).toBe(true);
  });

  it('gives the same bytes for the same entries, in any time zone (a fixed DOS timestamp)', async () => {
    const entries = () => [entry('a.csv', ['x\n', 'y\n']), entry('b.csv', ['z\n'])];
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = await zip(entries());
      process.env.TZ = 'Pacific/Kiritimati';
      const kiritimati = await zip(entries());
      expect(kiritimati.equals(utc)).toBe(true);
      const { entries: read0 } = await read(utc);
      expect(read0[0].entry.getLastModDate({ forceDosFormat: true, timezone: 'UTC' }).toISOString()).toBe('1980-01-01T00:00:00.000Z');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('writes ZIP64 records when forced, and a ZIP64 reader reads the entries back whole', async () => {
    const text = 'id:ID,:LABEL\n' + 'statement:s,Statement\n'.repeat(20_000);
    const archive = await zip([entry('nodes_Statement.csv', [text]), entry('b.csv', ['b\n'])], { forceZip64: true });
    expect(archive.includes(ZIP64_EOCD_RECORD)).toBe(true);
    expect(archive.includes(ZIP64_EOCD_LOCATOR)).toBe(true);
    const { entries } = await read(archive);
    expect(entries.map((e) => [e.name, e.text])).toEqual([
      ['nodes_Statement.csv', text],
      ['b.csv', 'b\n'],
    ]);
    for (const { entry: e } of entries) {
      expect(e.versionNeededToExtract).toBe(45);
      expect(e.extraFields.map((f) => f.id)).toContain(ZIP64_EXTRA_FIELD);
    }
    // the ZIP64 extra field holds the true sizes (8 bytes each): uncompressed first
    const extra = entries[0].entry.extraFields.find((f) => f.id === ZIP64_EXTRA_FIELD)!;
    expect(Number(extra.data.readBigUInt64LE(0))).toBe(Buffer.byteLength(text));
  });

  it('fails the archive when an entry’s data fails (no complete-looking archive, no crash)', async () => {
    const failing: ZipEntry = {
      name: 'bad.csv',
      data: (async function* () {
        yield 'a\n';
        throw new Error('the database went away');
      })(),
    };
    await expect(zip([entry('good.csv', ['ok\n']), failing, entry('never.csv', ['x\n'])])).rejects.toThrow('the database went away');
  });

  it('stops reading the entries when its reader stops early (a client that hangs up)', async () => {
    let produced = 0;
    let stopped = false;
    const endless: ZipEntry = {
      name: 'endless.csv',
      data: (async function* () {
        try {
          for (;;) {
            produced++;
            yield `${'x'.repeat(1000)}${Math.random()}\n`;
          }
        } finally {
          stopped = true;
        }
      })(),
    };
    let chunks = 0;
    for await (const _ of zipStream([endless])) if (++chunks === 3) break;
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(true);
    const atStop = produced;
    await new Promise((r) => setTimeout(r, 100));
    expect(produced).toBe(atStop);
  });

  it('takes entries from an async source, as they come', async () => {
    async function* entries() {
      yield entry('one.csv', ['1\n']);
      await new Promise((r) => setTimeout(r, 10));
      yield entry('two.csv', ['2\n']);
    }
    const out: Buffer[] = [];
    for await (const chunk of zipStream(entries())) out.push(chunk);
    const { entries: read0 } = await read(Buffer.concat(out));
    expect(read0.map((e) => [e.name, e.text])).toEqual([
      ['one.csv', '1\n'],
      ['two.csv', '2\n'],
    ]);
  });
});
