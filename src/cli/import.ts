import { parseArgs } from 'node:util';
import { promises as fsp } from 'node:fs';
import { pino, destination } from 'pino';
import cliProgress from 'cli-progress';
import { loadConfig, ConfigError } from '../config.js';
import { connectNeo4j } from '../neo4j/connectNeo4j.js';
import { buildSchema } from '../schema.js';
import { graphModelOf } from '../model/graphModel.js';
import { BundleValidationError } from '../bundle/bundleSchema.js';
import { ImportForbiddenError, importRecords, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, type ImportProgress } from '../bundle/importBundle.js';
import { csvFilesSource, openImportSource, type FileImportSource, type InputFormat } from '../bundle/importSources.js';
import { cliPrincipal, CliKeyError } from '../auth/cliPrincipal.js';
import { roleAtLeast } from '../auth/principal.js';
import { Visibility } from '../auth/visibility.js';
import { writerOf } from '../changelog/writeTransaction.js';

/**
 * `claimgraph import <file|directory>…`: validates a bundle (JSON, NDJSON, or CSV files in the neo4j-admin
 * header format) whole, then writes it in batches, one transaction each, with a progress bar on stderr.
 * Exit codes: 0 imported, 1 failed while writing (run it again to complete it), 2 usage, 3 invalid input
 * (nothing was written), 5 a key that is not valid or not an editor's, or records above its clearance
 * (nothing was written).
 */

const USAGE = `usage: claimgraph import <path>… [options]        (npx claimgraph import …, or npm run import -- …)

  <path>            a .json bundle, a .ndjson file, a .csv file, several .csv files,
                    or a directory of .csv files (nodes_*.csv and relationships_*.csv)

options:
  --format F        json | ndjson | csv (default: from the file name or its first line)
  --batch-size N    records per write transaction (default ${DEFAULT_BATCH_SIZE}, at most ${MAX_BATCH_SIZE})
  --key KEY         act as this API key's principal (it must be an editor's or an admin's, and
                    it may write statements and sources only at or below its clearance);
                    CLAIMGRAPH_KEY does the same without putting the key in the process list.
                    Without a key: the local operator (local:<OS user>), who holds the database's password
  --dry-run         validate only; write nothing
  --quiet           no progress bar
  --help            this text

Connects to NEO4J_URI (with NEO4J_USER or NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE), or to
claimgraph's own Neo4j in CLAIMGRAPH_DATA_DIR when NEO4J_URI is unset (to the one a running claimgraph
server holds, if there is one). The change log records who imported: key:<name> or local:<OS user>.
Exit codes: 0 done, 1 failed while writing (run again to complete), 2 usage, 3 invalid input (nothing written),
5 the key is not valid, its role is not enough, or the input holds records above its clearance or
over records it may not see (nothing written).`;

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INVALID: 3, DENIED: 5 } as const;

function usage(message: string): never {
  process.stderr.write(`import: ${message}\n\n${USAGE}\n`);
  process.exit(EXIT.USAGE);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        'batch-size': { type: 'string' },
        key: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
}

const { values, positionals } = parse();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(EXIT.OK);
}
if (!positionals.length) usage('give a file or directory to import');
const format = values.format as InputFormat | undefined;
if (format !== undefined && !['json', 'ndjson', 'csv'].includes(format)) usage(`unknown --format ${format}; use json, ndjson or csv`);
const batchSize = values['batch-size'] === undefined ? DEFAULT_BATCH_SIZE : Number(values['batch-size']);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) usage(`--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
for (const target of positionals) {
  const stat = await fsp.stat(target).catch(() => null);
  if (!stat) usage(`${target}: no such file or directory`);
  if (positionals.length > 1 && (stat.isDirectory() || !(format === 'csv' || target.toLowerCase().endsWith('.csv')))) {
    usage('several paths can only be .csv files (give a JSON or NDJSON file, or a directory, alone)');
  }
}
let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`import: ${error.message}\n`);
    process.exit(EXIT.USAGE);
  }
  throw error;
}
// Logs go to stderr: stdout carries the summary only.
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'claimgraph-import' } }, destination(2));
const showProgress = !values.quiet && process.stderr.isTTY === true;

const model = graphModelOf(buildSchema());
let exitCode: number = EXIT.OK;
let bar: cliProgress.SingleBar | null = null;
let neo4j: Awaited<ReturnType<typeof connectNeo4j>> | null = null;
try {
  const source: FileImportSource =
    positionals.length > 1 ? await csvFilesSource(positionals, model) : await openImportSource(positionals[0], model, format);
  neo4j = await connectNeo4j(config, log);
  const principal = await cliPrincipal(neo4j.db, config, log, values.key ?? process.env.CLAIMGRAPH_KEY);
  if (!roleAtLeast(principal, 'editor')) throw new CliKeyError(`importing needs the editor role; ${principal.name} is a ${principal.role}`);
  const who = writerOf({ principal });
  let phase: ImportProgress['phase'] | null = null;
  const onProgress = (p: ImportProgress) => {
    if (!showProgress) return;
    if (p.phase !== phase) {
      bar?.stop();
      phase = p.phase;
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: p.phase === 'validate' ? 'validate |{bar}| {percentage}% | {records} records' : 'write    |{bar}| {percentage}% | {value}/{total} records | eta {eta_formatted}',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(p.phase === 'validate' ? Math.max(1, p.totalBytes ?? 1) : Math.max(1, p.total), 0, { records: 0 });
    }
    if (p.phase === 'validate') bar!.update(p.bytes ?? 0, { records: p.records });
    else bar!.update(p.written);
  };
  const report = await importRecords(neo4j.db, model, source, { batchSize, who, onProgress, dryRun: values['dry-run'], visibility: Visibility.of(principal) });
  if (phase === 'validate' && bar) (bar as cliProgress.SingleBar).update((bar as cliProgress.SingleBar).getTotal());
  (bar as cliProgress.SingleBar | null)?.stop();
  bar = null;
  process.stdout.write(
    values['dry-run']
      ? `valid: ${report.nodes} nodes, ${report.edges} edges in ${source.files.length} file(s); nothing written (--dry-run)\n`
      : `imported ${report.nodes} nodes (${report.nodesCreated} created, ${report.nodesUpdated} updated) and ` +
          `${report.edges} edges (${report.edgesCreated} created, ${report.edgesUpdated} updated) in ${report.batches} batch(es)\n`,
  );
} catch (error) {
  (bar as cliProgress.SingleBar | null)?.stop();
  if (error instanceof BundleValidationError) {
    process.stderr.write(`import: nothing was written. ${error.message}\n`);
    exitCode = EXIT.INVALID;
  } else if (error instanceof CliKeyError) {
    process.stderr.write(`import: nothing was written: ${error.message}\n`);
    exitCode = EXIT.DENIED;
  } else if (error instanceof ImportForbiddenError) {
    process.stderr.write(`import: nothing was written. ${error.message}\n`);
    exitCode = EXIT.DENIED;
  } else {
    process.stderr.write(
      `import: ${(error as Error).message}\n` +
        'import: the batches committed so far stay; running the same import again completes it (re-importing changes nothing).\n',
    );
    exitCode = EXIT.FAILED;
  }
} finally {
  await neo4j?.close().catch(() => {});
}
// stdout may be a pipe (written asynchronously): let it drain before exiting
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(exitCode);
