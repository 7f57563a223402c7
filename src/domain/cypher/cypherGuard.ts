import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode } from '../../errors.js';

/**
 * The first line of defence of the read-only Cypher endpoint: a lexical check, before the database is
 * touched, that refuses anything that writes, reaches outside the database or administers it. Comments and
 * string literals are stripped first (so keywords inside them neither hide nor trip anything), backquoted
 * names are unquoted (so `dbms`.`x` is seen as dbms.x). It is deliberately conservative: a variable named
 * like a write keyword is refused too. The second and third lines are Neo4j's: EXPLAIN must report a
 * read-only query (queryType 'r'), and the query runs in a READ transaction, where Neo4j refuses writes.
 */

export const MAX_CYPHER_LENGTH = 20_000;

export function forbidden(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN, ...(argument ? { argument } : {}) } });
}

/** The query with comments removed, string literals emptied and backquoted names unquoted (as plain words). */
export function stripCypher(query: string): string {
  let out = '';
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    const next = query[i + 1];
    if (c === '/' && next === '/') {
      while (i < query.length && query[i] !== '\n' && query[i] !== '\r') i++;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = query.indexOf('*/', i + 2);
      i = end < 0 ? query.length : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"') {
      i++;
      while (i < query.length && query[i] !== c) i += query[i] === '\\' ? 2 : 1;
      i++;
      out += ` ${c}${c} `;
    } else if (c === '`') {
      let name = '';
      i++;
      while (i < query.length) {
        if (query[i] === '`' && query[i + 1] === '`') {
          name += '`';
          i += 2;
        } else if (query[i] === '`') break;
        else name += query[i++];
      }
      i++;
      // Kept as a plain word (never empty, no punctuation, spaced off) so it can neither hide a keyword by
      // looking like a label or property, nor glue itself to one: CALL`dbms`.x is seen as CALL dbms . x.
      out += ` ${name.replace(/\W/g, '_') || '_'} `;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Clause keywords that write, load, switch database, run in separate transactions or administer. Matched
 * as words, except where they are a property (n.set), a label or type (:Set), a parameter ($create) or a
 * map key ({delete: 1}).
 */
const FORBIDDEN_KEYWORDS = [
  'CREATE', 'INSERT', 'MERGE', 'SET', 'DELETE', 'DETACH', 'REMOVE', 'FOREACH', 'LOAD', 'USE', 'TRANSACTIONS',
  'DROP', 'ALTER', 'GRANT', 'DENY', 'REVOKE', 'SHOW', 'TERMINATE', 'RENAME', 'DEALLOCATE', 'REALLOCATE', 'ENABLE',
] as const;
const KEYWORD_PATTERN = new RegExp(`(?<![.$])(?<!:\\s*)\\b(${FORBIDDEN_KEYWORDS.join('|')})\\b(?!\\s*:)`, 'i');
const DATABASE_COMMAND = /\b(START|STOP)\s+DATABASES?\b/i;
const PREPARSER_PREFIX = /^\s*(EXPLAIN|PROFILE|CYPHER)\b/i;

/** Read-only procedures of Neo4j itself that may be CALLed. */
export const READ_PROCEDURES: ReadonlySet<string> = new Set([
  'db.labels',
  'db.relationshipTypes',
  'db.propertyKeys',
  'db.schema.visualization',
  'db.schema.nodeTypeProperties',
  'db.schema.relTypeProperties',
  'db.index.fulltext.queryNodes',
  'db.index.fulltext.queryRelationships',
  'db.index.fulltext.listAvailableAnalyzers',
  'db.index.vector.queryNodes',
  'db.index.vector.queryRelationships',
  'db.ping',
]);
/** Plugin namespaces whose procedures only read, when installed (graph algorithms in stream or stats mode). */
const READ_PROCEDURE_PREFIXES = ['apoc.path.', 'apoc.neighbors.', 'apoc.meta.', 'apoc.algo.'];
const GDS_READ_MODES = /^gds\.(?!graph\.)[\w.]+\.(stream|stats|estimate)$/i;
/** Functions that run Cypher, reach outside the database, or touch server state. */
const FORBIDDEN_FUNCTION_PREFIXES = [
  'dbms.', 'apoc.cypher.', 'apoc.load.', 'apoc.import.', 'apoc.export.', 'apoc.periodic.', 'apoc.static.',
  'apoc.trigger.', 'apoc.systemdb.', 'apoc.custom.', 'apoc.bolt.', 'apoc.log.', 'apoc.config.', 'apoc.spatial.',
  'apoc.do.', 'apoc.util.sleep',
];

const NAME = String.raw`[A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_][\w]*)*`;
const CALL_PATTERN = new RegExp(String.raw`\bCALL\s+(${NAME})`, 'gi');
const FUNCTION_PATTERN = new RegExp(String.raw`(?<![\w.$])(${NAME}\s*\.\s*[A-Za-z_][\w]*)\s*\(`, 'g');

function procedureAllowed(name: string): boolean {
  return READ_PROCEDURES.has(name) || READ_PROCEDURE_PREFIXES.some((p) => name.startsWith(p)) || GDS_READ_MODES.test(name);
}

/**
 * Refuses (FORBIDDEN, argument 'query') a query that is not plainly read-only, and (BAD_USER_INPUT) one that
 * is empty, too long, several statements, or prefixed with EXPLAIN/PROFILE/CYPHER options.
 */
export function checkReadOnlyCypher(query: string): void {
  if (query.trim().length === 0) throw badUserInput('query must not be empty.', 'query');
  if (query.length > MAX_CYPHER_LENGTH) throw badUserInput(`query must be at most ${MAX_CYPHER_LENGTH} characters; got ${query.length}.`, 'query');
  const code = stripCypher(query);

  if (/;\s*\S/.test(code)) throw badUserInput('query must be a single statement.', 'query');
  if (PREPARSER_PREFIX.test(code)) throw badUserInput('query must be sent without EXPLAIN, PROFILE or CYPHER options.', 'query');

  const keyword = KEYWORD_PATTERN.exec(code);
  if (keyword) {
    const word = keyword[1].toUpperCase();
    const what =
      word === 'LOAD' ? 'LOAD CSV reads files and URLs'
      : word === 'USE' ? 'USE switches databases'
      : word === 'TRANSACTIONS' ? 'CALL … IN TRANSACTIONS commits on its own'
      : ['SHOW', 'DROP', 'ALTER', 'GRANT', 'DENY', 'REVOKE', 'TERMINATE', 'RENAME', 'DEALLOCATE', 'REALLOCATE', 'ENABLE'].includes(word)
        ? `${word} is an administration command`
        : `${word} writes`;
    throw forbidden(`The Cypher endpoint is read-only: ${what}.`, 'query');
  }
  if (DATABASE_COMMAND.test(code)) throw forbidden('The Cypher endpoint is read-only: START/STOP DATABASE is an administration command.', 'query');

  for (const match of code.matchAll(CALL_PATTERN)) {
    const name = match[1].replace(/\s+/g, '');
    if (!procedureAllowed(name)) {
      throw forbidden(`The Cypher endpoint only calls read-only procedures (${[...READ_PROCEDURES].join(', ')}, …); ${name} is not one of them.`, 'query');
    }
  }
  for (const match of code.matchAll(FUNCTION_PATTERN)) {
    const name = match[1].replace(/\s+/g, '');
    const lower = name.toLowerCase();
    if (FORBIDDEN_FUNCTION_PREFIXES.some((p) => lower.startsWith(p.toLowerCase()))) {
      throw forbidden(`The Cypher endpoint is read-only: ${name} runs Cypher, reaches outside the database or changes server state.`, 'query');
    }
  }
}
