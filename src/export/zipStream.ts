import { Readable } from 'node:stream';
import yazl from 'yazl';

/**
 * A ZIP archive written as a stream (for the CSV export over HTTP, which is a set of files), by yazl:
 * entries are deflated one after another as their data comes (each export query starts only when its
 * entry's turn comes), with their CRC and sizes in a data descriptor and the central directory last, so
 * nothing is held in memory but the directory. ZIP64 is used wherever a size, an offset or the number of
 * entries needs it, so an export past 4 GiB is a valid archive. Timestamps are fixed (1980-01-01, in DOS
 * form only), so the same entries give the same bytes on any machine.
 */

export interface ZipEntry {
  name: string;
  data: AsyncIterable<string | Uint8Array>;
}

export interface ZipOptions {
  /** ZIP64 records even where no size needs them (for readers' tests; yazl decides by itself otherwise). */
  forceZip64?: boolean;
}

export async function* zipStream(entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>, options: ZipOptions = {}): AsyncGenerator<Buffer> {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable;
  const fail = (error: Error) => output.destroy(error);
  zip.on('error', fail);
  // Local time, as DOS timestamps are: 1980-01-01 00:00 whatever the time zone.
  const entryOptions = { mtime: new Date(1980, 0, 1), forceDosTimestamp: true, compress: true, forceZip64Format: options.forceZip64 ?? false };
  // The entry being written: stopped (its export query with it) if the archive is abandoned.
  let current: Readable | null = null;
  const adding = (async () => {
    for await (const entry of entries) {
      zip.addReadStreamLazy(entry.name, entryOptions, (done) => {
        const bytes = (async function* () {
          for await (const part of entry.data) yield typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
        })();
        current = Readable.from(bytes, { objectMode: false });
        // yazl leaves a data stream's errors to its caller: one failing entry fails the archive.
        current.on('error', fail);
        done(null, current);
      });
    }
    zip.end({ forceZip64Format: options.forceZip64 ?? false, comment: '' });
  })().catch(fail);
  try {
    for await (const chunk of output) yield chunk as Buffer;
  } finally {
    // Finished, failed, or the consumer stopped early (a client hung up): nothing goes on reading.
    (current as Readable | null)?.destroy();
    if (!output.destroyed) output.destroy();
    await adding;
  }
}
