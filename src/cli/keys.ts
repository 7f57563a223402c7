import { parseArgs } from 'node:util';
import { destination, pino } from 'pino';
import { loadConfig, ConfigError } from '../config.js';
import { connectNeo4j } from '../neo4j/connectNeo4j.js';
import { ApiKeyError, createApiKey, KEY_NAME_PATTERN, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../auth/apiKeys.js';
import { isRole, MARKINGS, ROLES } from '../auth/principal.js';
import { markingOf } from '../auth/principalFromClaims.js';

/**
 * `claimgraph keys create|list|revoke`: API keys, managed by whoever holds the database's password.
 * `create` prints the key once, as the last line of its output (claimgraph keeps only its SHA-256).
 * Exit codes: 0 done, 1 failed, 2 usage, 3 refused (a name taken, no key of that name).
 */

const USAGE = `usage: claimgraph keys <command> [options]        (npx claimgraph keys …, or npm run keys -- …)

  create --name NAME --role ROLE [--clearance MARKING]
                    a new key; it is printed once, as the last line (store it then: only its
                    SHA-256 is kept). ROLE: ${ROLES.join(' | ')}; MARKING (default CLEAR):
                    ${MARKINGS.join(' | ')} (TLP:AMBER+STRICT and other spellings are understood)
  list [--json]     every key: name, role, clearance, created, last used, revoked (never the key)
  revoke NAME       revokes the key; its next request is refused (the name stays taken)
  --help            this text

Connects to NEO4J_URI (with NEO4J_USER or NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE), or to
claimgraph's own Neo4j in CLAIMGRAPH_DATA_DIR when NEO4J_URI is unset (to the one a running claimgraph
server holds, if there is one).
Exit codes: 0 done, 1 failed, 2 usage, 3 refused (a name taken, no key of that name).`;

const EXIT = { OK: 0, FAILED: 1, USAGE: 2, REFUSED: 3 } as const;

function usage(message: string): never {
  process.stderr.write(`keys: ${message}\n\n${USAGE}\n`);
  process.exit(EXIT.USAGE);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        clearance: { type: 'string' },
        json: { type: 'boolean', default: false },
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
const [command, ...rest] = positionals;
if (!command) usage('give a command: create, list or revoke');
if (!['create', 'list', 'revoke'].includes(command)) usage(`unknown command ${command}`);
const only = (allowed: string[]) => {
  const given = Object.entries(values).filter(([k, v]) => v !== undefined && v !== false && !allowed.includes(k));
  if (given.length) usage(`--${given[0][0]} does not go with ${command}`);
};

const time = (d: Date | null) => (d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : '-');

function table(keys: ApiKeyInfo[]): string {
  const rows = [['NAME', 'ROLE', 'CLEARANCE', 'CREATED', 'LAST USED', 'REVOKED'], ...keys.map((k) => [k.name, k.role, k.clearance, time(k.createdAt), time(k.lastUsedAt), time(k.revokedAt)])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

let create: { name: string; role: (typeof ROLES)[number]; clearance: (typeof MARKINGS)[number] } | undefined;
let revoke: string | undefined;
if (command === 'create') {
  only(['name', 'role', 'clearance']);
  if (rest.length) usage(`create takes no positional arguments (got ${rest[0]}); use --name`);
  if (!values.name) usage('create needs --name');
  if (!KEY_NAME_PATTERN.test(values.name)) usage('--name is 1 to 64 letters, digits and . _ @ - (starting with a letter or digit); the change log records it as key:<name>');
  const role = values.role?.trim().toLowerCase();
  if (!isRole(role)) usage(`create needs --role ${ROLES.join('|')}${values.role ? ` (got ${values.role})` : ''}`);
  const clearance = values.clearance === undefined ? 'CLEAR' : markingOf(values.clearance);
  if (!clearance) usage(`unknown --clearance ${values.clearance}; use ${MARKINGS.join(', ')}`);
  create = { name: values.name, role, clearance };
} else if (command === 'list') {
  only(['json']);
  if (rest.length) usage('list takes no arguments');
} else {
  only([]);
  if (rest.length !== 1) usage('revoke takes one key name');
  revoke = rest[0];
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) usage(error.message);
  throw error;
}
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'claimgraph-keys' } }, destination(2));

let exitCode: number = EXIT.OK;
let neo4j: Awaited<ReturnType<typeof connectNeo4j>> | null = null;
try {
  neo4j = await connectNeo4j(config, log);
  if (create) {
    const { key, info } = await createApiKey(neo4j.db, create);
    process.stdout.write(
      `created key ${info.name}: role ${info.role}, clearance ${info.clearance}\n` +
        'The key follows, shown this once: claimgraph keeps only its SHA-256. Send it as Authorization: Bearer <key>.\n' +
        `${key}\n`,
    );
  } else if (revoke !== undefined) {
    const { info, already } = await revokeApiKey(neo4j.db, revoke);
    process.stdout.write(already ? `key ${info.name} was already revoked (${time(info.revokedAt)})\n` : `revoked key ${info.name}: its next request is refused\n`);
  } else {
    const keys = await listApiKeys(neo4j.db);
    process.stdout.write(values.json ? `${JSON.stringify(keys, null, 2)}\n` : keys.length ? `${table(keys)}\n` : 'no keys yet: npm run keys -- create --name NAME --role admin\n');
  }
} catch (error) {
  if (error instanceof ApiKeyError) {
    process.stderr.write(`keys: ${error.message}\n`);
    exitCode = EXIT.REFUSED;
  } else {
    process.stderr.write(`keys: ${(error as Error).message}\n`);
    exitCode = EXIT.FAILED;
  }
} finally {
  await neo4j?.close().catch(() => {});
}
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(exitCode);
