import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { GraphModel } from '../model/graphModel.js';
import type { ImportSource } from './importBundle.js';
import { csvFileKind, readCsvFile, readCsvHeader } from './readCsv.js';
import { readJsonBundle } from './readJsonBundle.js';
import { readNdjson, NDJSON_FORMAT } from './readNdjson.js';
import type { RecordItem } from './records.js';

/** Where import inputs come from: files (JSON, NDJSON, CSV) and directories of CSV files. */

export type InputFormat = 'json' | 'ndjson' | 'csv';

export interface FileImportSource extends ImportSource {
  format: InputFormat;
  /** The files read, in the order they are read. */
  files: string[];
}

/** Reads a file in chunks, counting bytes for progress. */
async function* fileBytes(file: string, counter: { read: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    counter.read += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}

/** A JSON bundle or NDJSON file; `name` is how errors name it (default: the file's base name). */
export function recordFileSource(file: string, format: 'json' | 'ndjson', name = path.basename(file), totalBytes?: number): FileImportSource {
  const counter = { read: 0 };
  return {
    format,
    files: [file],
    read() {
      counter.read = 0;
      const bytes = fileBytes(file, counter);
      return format === 'json' ? readJsonBundle(bytes, name) : readNdjson(bytes, name);
    },
    bytes: () => ({ read: counter.read, total: totalBytes }),
  };
}

/** CSV files in the neo4j-admin header format: nodes files are read before relationships files. */
export async function csvFilesSource(files: string[], model: GraphModel, baseDir?: string): Promise<FileImportSource> {
  const nodes: string[] = [];
  const relationships: string[] = [];
  let total = 0;
  for (const file of [...files].sort()) {
    total += (await fsp.stat(file)).size;
    const header = await readCsvHeader(fileBytes(file, { read: 0 }));
    const kind = header ? csvFileKind(header) : 'nodes';
    (kind === 'relationships' ? relationships : nodes).push(file);
  }
  const ordered = [...nodes, ...relationships];
  const counter = { read: 0 };
  const nameOf = (file: string) => (baseDir ? path.relative(baseDir, file) : path.basename(file));
  return {
    format: 'csv',
    files: ordered,
    read() {
      counter.read = 0;
      return (async function* (): AsyncGenerator<RecordItem> {
        if (!ordered.length) {
          yield { kind: 'issue', issue: { file: baseDir, path: '(directory)', message: 'no .csv files to import' } };
        }
        for (const file of ordered) yield* readCsvFile(fileBytes(file, counter), nameOf(file), model);
      })();
    },
    bytes: () => ({ read: counter.read, total }),
  };
}

/** Guesses JSON or NDJSON from a file's first line. */
async function sniff(file: string): Promise<'json' | 'ndjson'> {
  const handle = await fsp.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    const firstLine = head.split('\n', 1)[0];
    return firstLine.includes(`"${NDJSON_FORMAT}"`) ? 'ndjson' : 'json';
  } finally {
    await handle.close();
  }
}

/**
 * The import source for a path: a directory (its *.csv files), a .csv file, a .ndjson/.jsonl file, a
 * .json file; anything else is sniffed (NDJSON when its first line is the NDJSON header).
 */
export async function openImportSource(target: string, model: GraphModel, format?: InputFormat): Promise<FileImportSource> {
  const stat = await fsp.stat(target);
  if (stat.isDirectory()) {
    const files = (await fsp.readdir(target)).filter((f) => f.toLowerCase().endsWith('.csv')).map((f) => path.join(target, f));
    return csvFilesSource(files, model, target);
  }
  const ext = path.extname(target).toLowerCase();
  const chosen = format ?? (ext === '.csv' ? 'csv' : ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : ext === '.json' ? 'json' : await sniff(target));
  if (chosen === 'csv') return csvFilesSource([target], model);
  return recordFileSource(target, chosen, path.basename(target), stat.size);
}
