#!/usr/bin/env node
/**
 * `npx claimgraph <command> [options]`: runs the compiled command, dist/cli/<command>.js (built from
 * src/cli/<command>.ts by `npm run build`). When dist/ is missing or older than src/ and TypeScript is
 * installed (a checkout), it is compiled first; an installation without TypeScript runs what was built.
 * Plain JavaScript, so it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const BUILD_INFO = path.join(DIST, '.tsbuildinfo');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The commands: each is src/cli/<name>.ts; adding one is one line here. */
const COMMANDS = {
  serve: 'serve the API and the explorer (what `npm start` runs)',
  import: 'import a bundle (JSON, NDJSON or CSV files) into Neo4j',
  export: 'export the graph, or a subgraph, to a file, a directory or stdout',
  seed: 'load the Kupyansk sample (loading it again changes nothing)',
  keys: 'create, list and revoke API keys',
};

const USAGE = `usage: claimgraph <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, what]) => `  ${name.padEnd(8)}${what}`)
  .join('\n')}

claimgraph <command> --help describes a command. Configuration comes from the environment
(NEO4J_URI, NEO4J_USER or NEO4J_USERNAME, NEO4J_PASSWORD, CLAIMGRAPH_DATA_DIR, …; see the README).`;

/**
 * The newest modification time under `dir` (ms), of files whose name passes `keep`.
 * @param {string} dir
 * @param {(name: string) => boolean} keep
 * @returns {number}
 */
function newest(dir, keep) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full, keep));
    else if (keep(entry.name)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

/** True when dist/ is missing or a source or build setting changed since it was built. */
function stale() {
  if (!existsSync(BUILD_INFO)) return true;
  const built = statSync(BUILD_INFO).mtimeMs;
  const sources = Math.max(
    newest(path.join(ROOT, 'src'), (name) => name.endsWith('.ts') || name.endsWith('.json')),
    ...['tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(path.join(ROOT, f)).mtimeMs),
  );
  return sources > built;
}

/**
 * The compiled module of `command`, built first when stale.
 * @param {string} command
 * @returns {string}
 */
function ensureBuilt(command) {
  const haveSources = existsSync(path.join(ROOT, 'src')) && existsSync(TSC);
  if (haveSources && stale()) {
    // stderr, so that an export to stdout stays clean
    process.stderr.write('claimgraph: compiling src/ into dist/ …\n');
    const run = spawnSync(process.execPath, [TSC, '-b', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (run.status !== 0) {
      process.stderr.write('claimgraph: the build failed (see above); fix it, or run `npm run build` to see it again\n');
      process.exit(1);
    }
  }
  const module = path.join(DIST, 'cli', `${command}.js`);
  if (!existsSync(module)) {
    process.stderr.write(`claimgraph: ${path.relative(ROOT, module)} is missing; run \`npm run build\` first\n`);
    process.exit(1);
  }
  return module;
}

const command = process.argv[2];
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(command === undefined ? 2 : 0);
}
if (!Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(`claimgraph: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
  process.exit(2);
}
const module = ensureBuilt(command);
// The command reads its options from process.argv as if it had been started on its own.
process.argv.splice(2, 1);
await import(pathToFileURL(module).href);
