import { Readable, pipeline } from 'node:stream';
import { createDeflateRaw, crc32 } from 'node:zlib';

/**
 * A ZIP archive written as a stream (for the CSV export over HTTP, which is a set of files): each entry
 * is deflated as it comes, its CRC and sizes follow it in a data descriptor, and the central directory
 * comes last, so nothing is held in memory but the directory. Timestamps are fixed (1980-01-01), so the
 * same entries give the same bytes. ZIP64 is not written: an archive past 4 GiB fails; export such a
 * graph to a directory with the CLI instead.
 */

export interface ZipEntry {
  name: string;
  data: AsyncIterable<string | Uint8Array>;
}

const FLAGS = 0x0808; // bit 3: sizes in a data descriptor; bit 11: UTF-8 names
const DEFLATE = 8;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const LIMIT = 0xffffffff;

function localHeader(name: Buffer): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt16LE(FLAGS, 6);
  b.writeUInt16LE(DEFLATE, 8);
  b.writeUInt16LE(0, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  // crc and sizes (14–25) are zero: they follow in the data descriptor
  b.writeUInt16LE(name.length, 26);
  b.writeUInt16LE(0, 28);
  return Buffer.concat([b, name]);
}

export class ZipTooLargeError extends Error {
  override name = 'ZipTooLargeError';
  constructor() {
    super('the archive would pass 4 GiB, more than a ZIP without ZIP64 holds; export to a directory with the CLI');
  }
}

export async function* zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): AsyncGenerator<Buffer> {
  const directory: Buffer[] = [];
  let offset = 0;
  let count = 0;
  for await (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const header = localHeader(name);
    const headerOffset = offset;
    yield header;
    offset += header.length;
    let crc = 0;
    let size = 0;
    let compressed = 0;
    const raw = (async function* () {
      for await (const part of entry.data) {
        const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
        crc = crc32(bytes, crc);
        size += bytes.length;
        yield bytes;
      }
    })();
    const deflated = pipeline(Readable.from(raw), createDeflateRaw(), () => {});
    for await (const chunk of deflated) {
      compressed += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (size > LIMIT || compressed > LIMIT || offset + compressed > LIMIT) throw new ZipTooLargeError();
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(compressed, 8);
    descriptor.writeUInt32LE(size, 12);
    yield descriptor;
    offset += compressed + descriptor.length;

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAGS, 8);
    central.writeUInt16LE(DEFLATE, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk, attributes: zero
    central.writeUInt32LE(headerOffset, 42);
    directory.push(central, name);
    count++;
  }
  const dir = Buffer.concat(directory);
  if (offset + dir.length > LIMIT || count > 0xffff) throw new ZipTooLargeError();
  yield dir;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  yield end;
}
