import { describe, expect, it } from 'vitest';
import { crc32, inflateRawSync } from 'node:zlib';
import { zipStream } from '../../src/export/zipStream.js';

/** The streamed ZIP of the CSV export over HTTP, read back by a minimal central-directory reader. */

async function zip(entries: Array<{ name: string; parts: string[] }>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of zipStream(entries.map((e) => ({ name: e.name, data: (async function* () { yield* e.parts; })() })))) out.push(chunk);
  return Buffer.concat(out);
}

function read(archive: Buffer) {
  const end = archive.length - 22;
  expect(archive.readUInt32LE(end)).toBe(0x06054b50);
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  expect(at + archive.readUInt32LE(end + 12)).toBe(end);
  const files: Array<{ name: string; text: string; crcOk: boolean }> = [];
  for (let i = 0; i < count; i++) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const crc = archive.readUInt32LE(at + 16);
    const compressed = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const offset = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(archive.readUInt32LE(offset)).toBe(0x04034b50);
    const start = offset + 30 + archive.readUInt16LE(offset + 26);
    const data = inflateRawSync(archive.subarray(start, start + compressed));
    expect(data.length).toBe(size);
    // the data descriptor after the data repeats crc and sizes
    expect(archive.readUInt32LE(start + compressed)).toBe(0x08074b50);
    expect(archive.readUInt32LE(start + compressed + 4)).toBe(crc);
    files.push({ name, text: data.toString('utf8'), crcOk: (crc32(data) >>> 0) === crc });
    at += 46 + nameLength;
  }
  return files;
}

describe('zipStream', () => {
  it('holds each entry with its name, content and CRC, in order', async () => {
    const big = 'id:ID,:LABEL,name\n' + Array.from({ length: 5000 }, (_, i) => `place:p${i},Place,"Куп'янськ ${i}"\n`).join('');
    const files = read(await zip([
      { name: 'nodes_Place.csv', parts: [big.slice(0, 1000), big.slice(1000)] },
      { name: 'relationships_ABOUT.csv', parts: [':START_ID,:END_ID,:TYPE,role\n'] },
      { name: 'empty.csv', parts: [] },
    ]));
    expect(files.map((f) => f.name)).toEqual(['nodes_Place.csv', 'relationships_ABOUT.csv', 'empty.csv']);
    expect(files[0].text).toBe(big);
    expect(files[1].text).toBe(':START_ID,:END_ID,:TYPE,role\n');
    expect(files[2].text).toBe('');
    expect(files.every((f) => f.crcOk)).toBe(true);
  });

  it('gives the same bytes for the same entries (fixed timestamps)', async () => {
    const entries = [{ name: 'a.csv', parts: ['x\n', 'y\n'] }];
    expect((await zip(entries)).equals(await zip(entries))).toBe(true);
  });
});
