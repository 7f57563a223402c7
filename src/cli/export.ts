import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { destination, pino } from 'pino';
import cliProgress from 'cli-progress';
import { loadConfig, ConfigError } from '../config.js';
import { connectNeo4j } from '../neo4j/connectNeo4j.js';
import { buildSchema } from '../schema.js';
import { graphModelOf } from '../model/graphModel.js';
import { LABELS } from '../ids.js';
import { EXPORT_FORMATS, type ExportFormat } from '../export/formats/index.js';
import { chunked, exportText, exportToPath, type OnRecord } from '../export/exportSubgraph.js';
import { SelectionError, parseSelection } from '../export/selection.js';
import { countSubgraph, resolveSelection } from '../export/streamSubgraph.js';
import { cliPrincipal, CliKeyError } from '../auth/cliPrincipal.js';

/**
 * `claimgraph export --format graphml --out kupyansk.graphml --seed place:kupyansk --depth 2`: streams a
 * subgraph to a file (a directory for CSV) or to stdout, with a progress bar on stderr.
 * Exit codes: 0 exported, 1 failed, 2 usage or a bad selection, 4 a seed or place that does not exist,
 * 5 a key that is not valid.
 */

const USAGE = `usage: claimgraph export [options]        (npx claimgraph export …, or npm run export -- …)

selection (none: the whole graph):
  --seed ID         a node to start from (repeat for several); with
  --depth N         hops from the seeds over any relationship, either way (default 1, at most 10)
  --from DATE       statements whose statedAt overlaps [from, to] (YYYY-MM-DD) …
  --to DATE
  --within PLACE    … and/or that are about a place within this one (any depth of PART_OF),
                    with every node those statements touch
  --closure C       context (default): add what makes the export read on its own (speakers,
                    subjects and sources of its statements, publishers, authors and geolocations of
                    its sources, PART_OF ancestors); none: exactly the selection
  --label LABEL     keep only nodes with this label (repeat; ${LABELS.join(', ')})

output:
  --format F        ${EXPORT_FORMATS.join(' | ')} (default: from --out's extension, else json)
  --out PATH        a file, or a directory for csv (one file per label and relationship type);
                    - or absent: stdout (not for csv)
  --quiet           no progress bar
  --help            this text

access:
  --key KEY         export as this API key's principal: only what its clearance may see;
                    CLAIMGRAPH_KEY does the same without putting the key in the process list.
                    Without a key: the local operator (local:<OS user>), who sees everything

Connects to NEO4J_URI (with NEO4J_USER or NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE), or to
claimgraph's own Neo4j in CLAIMGRAPH_DATA_DIR when NEO4J_URI is unset (to the one a running claimgraph
server holds, if there is one).

Exit codes: 0 done, 1 failed, 2 usage or a bad selection, 4 a seed or place that does not exist,
5 the key is not valid.`;

const EXIT = { OK: 0, FAILED: 1, USAGE: 2, NOT_FOUND: 4, DENIED: 5 } as const;

function usage(message: string): never {
  process.stderr.write(`export: ${message}\n\n${USAGE}\n`);
  process.exit(EXIT.USAGE);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: false,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string', multiple: true },
        depth: { type: 'string' },
        label: { type: 'string', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        within: { type: 'string' },
        closure: { type: 'string' },
        key: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
}

const EXTENSIONS: Array<[string, ExportFormat]> = [
  ['.cytoscape.json', 'cytoscape'],
  ['.cyjs', 'cytoscape'],
  ['.ndjson', 'ndjson'],
  ['.jsonl', 'ndjson'],
  ['.json', 'json'],
  ['.graphml', 'graphml'],
  ['.gexf', 'gexf'],
  ['.cypher', 'cypher'],
  ['.cql', 'cypher'],
];

const { values } = parse();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(EXIT.OK);
}
const out = values.out === undefined || values.out === '-' ? null : values.out;
const format = (values.format ?? (out ? EXTENSIONS.find(([ext]) => out.toLowerCase().endsWith(ext))?.[1] : undefined) ?? 'json') as ExportFormat;
if (!EXPORT_FORMATS.includes(format)) usage(`unknown --format ${format}; use ${EXPORT_FORMATS.join(', ')}`);
if (format === 'csv' && !out) usage('csv is a set of files: give --out DIRECTORY');
const labelOf = (l: string) => LABELS.find((known) => known.toLowerCase() === l.toLowerCase()) ?? l;
let selection;
try {
  selection = parseSelection({
    ...(values.seed ? { seeds: values.seed.flatMap((s) => s.split(',')).filter(Boolean) } : {}),
    ...(values.depth !== undefined ? { depth: Number(values.depth) } : {}),
    ...(values.label ? { labels: values.label.flatMap((s) => s.split(',')).filter(Boolean).map(labelOf) } : {}),
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
    ...(values.within !== undefined ? { within: values.within } : {}),
    ...(values.closure !== undefined ? { closure: values.closure } : {}),
  });
} catch (error) {
  if (error instanceof SelectionError) usage(error.issues.map((i) => `--${i.path.replace(/^seeds.*/, 'seed').replace(/^labels.*/, 'label')}: ${i.message}`).join('\n'));
  throw error;
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) usage(error.message);
  throw error;
}
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'claimgraph-export' } }, destination(2));
const showProgress = !values.quiet && process.stderr.isTTY === true;
const model = graphModelOf(buildSchema());

let exitCode: number = EXIT.OK;
let bar: cliProgress.SingleBar | null = null;
let neo4j: Awaited<ReturnType<typeof connectNeo4j>> | null = null;
try {
  neo4j = await connectNeo4j(config, log);
  // Without a key, the local operator (who sees every marking); with one, what its principal may see.
  const principal = await cliPrincipal(neo4j.db, config, log, values.key ?? process.env.CLAIMGRAPH_KEY);
  const resolved = await resolveSelection(neo4j.db, selection, principal);
  let onRecord: OnRecord | undefined;
  if (showProgress) {
    // A cheap counting pass first, so the bar has a total.
    const total = await countSubgraph(neo4j.db, model, resolved);
    bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${format} |{bar}| {percentage}% | {value}/{total} records | eta {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(1, total.nodes + total.edges), 0);
    let n = 0;
    onRecord = () => {
      if (++n % 500 === 0) bar!.update(n);
    };
  }
  let counts = { nodes: 0, edges: 0 };
  if (out) {
    const written = await exportToPath(neo4j.db, model, resolved, format, out, onRecord);
    counts = { nodes: written.nodes, edges: written.edges };
  } else {
    const count: OnRecord = (item) => {
      counts[item.kind === 'node' ? 'nodes' : 'edges']++;
      onRecord?.(item);
    };
    for await (const text of chunked(exportText(neo4j.db, model, resolved, format as Exclude<ExportFormat, 'csv'>, count))) {
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    }
  }
  if (bar) {
    (bar as cliProgress.SingleBar).update((bar as cliProgress.SingleBar).getTotal());
    (bar as cliProgress.SingleBar).stop();
    bar = null;
  }
  process.stderr.write(`exported ${counts.nodes} nodes and ${counts.edges} edges as ${format}${out ? ` to ${out}` : ''}\n`);
} catch (error) {
  (bar as cliProgress.SingleBar | null)?.stop();
  if (error instanceof SelectionError) {
    process.stderr.write(`export: ${error.message}\n`);
    exitCode = error.code === 'NOT_FOUND' ? EXIT.NOT_FOUND : EXIT.USAGE;
  } else if (error instanceof CliKeyError) {
    process.stderr.write(`export: nothing was exported: ${error.message}\n`);
    exitCode = EXIT.DENIED;
  } else {
    process.stderr.write(`export: ${(error as Error).message}\n`);
    exitCode = EXIT.FAILED;
  }
} finally {
  await neo4j?.close().catch(() => {});
}
// stdout may be a pipe (written asynchronously): let it drain before exiting
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(exitCode);
