import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { startServer, type RunningServer } from '../../src/server.js';
import { authHeader, createHarness, schema, silentLog, testConfig, type Harness } from '../harness.js';
import { fingerprint } from '../fingerprint.js';

/**
 * A corpus of bad requests, as careless and hostile clients send them, over every route and every kind of
 * argument. Each must be answered with its 4xx status and code, in GraphQL's error shape, with a message
 * naming the argument or limit at fault, no stack trace, and nothing written: the database's fingerprint
 * (every node, relationship and change-log entry) is the same after each request as before the first.
 */

let h: Harness;
let server: RunningServer;
let base: string;
let before: string;
/** Every bad request is sent as an admin, so what refuses it is the request itself, never the role. */
let admin: Record<string, string>;

beforeAll(async () => {
  h = await createHarness();
  // The read-only Cypher field on, and a small import limit, so their refusals can be tried too.
  server = await startServer({
    db: h.db,
    log: silentLog,
    config: { ...testConfig, CLAIMGRAPH_CYPHER_ENDPOINT: 'on', CLAIMGRAPH_MAX_IMPORT_BYTES: 4096 },
    development: false,
    schema,
    host: '127.0.0.1',
    port: 0,
  });
  base = server.url.replace(/\/graphql$/, '');
  admin = await authHeader(h.db, 'admin', 'RED');
  before = await fingerprint(h.db);
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

interface Case {
  name: string;
  /** Defaults: POST /graphql with a JSON body made of query and variables. */
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  query?: string;
  variables?: unknown;
  extensions?: unknown;
  status: number;
  code: string;
  /** The message (or extensions.argument / extensions.limit) names this. */
  names?: string | RegExp;
  argument?: string;
  limit?: string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  text: string;
}

async function send(c: Case): Promise<Answer> {
  const method = c.method ?? 'POST';
  const headers: Record<string, string> = { ...admin, ...(method === 'POST' && c.body === undefined ? { 'content-type': 'application/json' } : {}), ...c.headers };
  const variables = (v: unknown) =>
    JSON.stringify(v, (_k, value) => (value instanceof RawJson ? `\u0000${raws.push(value.text) - 1}\u0000` : value)).replace(/"\\u0000(\d+)\\u0000"/g, (_m, i) => raws[Number(i)]);
  const raws: string[] = [];
  const body =
    c.body ??
    (method === 'POST'
      ? `{"query":${JSON.stringify(c.query)}${c.variables !== undefined ? `,"variables":${variables(c.variables)}` : ''}${c.extensions ? `,"extensions":${JSON.stringify(c.extensions)}` : ''}}`
      : undefined);
  const response = await fetch(`${base}${c.path ?? '/graphql'}`, { method, headers, body });
  const text = await response.text();
  let parsed: Answer['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${c.name}: the answer (${response.status}) is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

function expectRefusal(c: Case, answer: Answer) {
  const error = answer.body.errors?.[0];
  expect(error, `${c.name}: ${answer.text.slice(0, 300)}`).toBeDefined();
  expect({ status: answer.status, code: error!.extensions?.code }, `${c.name}: ${error!.message}`).toEqual({ status: c.status, code: c.code });
  if (c.argument) expect(error!.extensions?.argument, error!.message).toBe(c.argument);
  if (c.limit) expect(error!.extensions?.limit, error!.message).toBe(c.limit);
  if (c.names) {
    const said = `${error!.message} ${error!.extensions?.argument ?? ''} ${error!.extensions?.limit ?? ''}`;
    if (typeof c.names === 'string') expect(said, c.name).toContain(c.names);
    else expect(said, c.name).toMatch(c.names);
  }
  for (const e of answer.body.errors!) {
    expect(e.extensions?.stacktrace).toBeUndefined();
    expect(JSON.stringify(e)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  }
  // Nothing the request asked for leaks into a refusal.
  if (answer.body.data) expect(answer.status).toBeLessThan(500);
}

async function check(c: Case) {
  const answer = await send(c);
  expectRefusal(c, answer);
  expect(await fingerprint(h.db), `${c.name} changed the database`).toBe(before);
  return answer;
}

const GQL = (name: string, query: string, expected: Omit<Case, 'name' | 'query'>, variables?: unknown): Case => ({ name, query, variables, ...expected });
const bad = (argument: string, names?: string | RegExp) => ({ status: 400, code: 'BAD_USER_INPUT', argument, names: names ?? argument });
const tooComplex = (limit: string) => ({ status: 400, code: 'QUERY_TOO_COMPLEX', limit, names: /CLAIMGRAPH_MAX_/ });
const invalid = (names: string | RegExp) => ({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', names });
const parseFailed = (names: string | RegExp) => ({ status: 400, code: 'GRAPHQL_PARSE_FAILED', names });

/** JSON text spliced into the request as it is: values nested too deep for JSON.stringify to write. */
class RawJson {
  constructor(readonly text: string) {}
}
/** A value nested `depth` deep, as JSON text: `open` repeated, the leaf, then `close` repeated. */
const deep = (depth: number, open: string, leaf: string, close: string) => new RawJson(`${open.repeat(depth)}${leaf}${close.repeat(depth)}`);

/** Nested filters for shallower cases, built as values. */
function nested(depth: number, wrap: (inner: unknown) => unknown, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// The HTTP layer of /graphql

const httpCases: Case[] = [
  { name: 'PUT /graphql', method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' }, status: 405, code: 'METHOD_NOT_ALLOWED', names: 'PUT' },
  { name: 'DELETE /graphql', method: 'DELETE', status: 405, code: 'METHOD_NOT_ALLOWED', names: 'DELETE' },
  { name: 'PATCH /graphql', method: 'PATCH', body: '{}', headers: { 'content-type': 'application/json' }, status: 405, code: 'METHOD_NOT_ALLOWED', names: 'PATCH' },
  { name: 'POST text/plain (CSRF)', body: '{"query":"{ places { totalCount } }"}', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'text/plain' },
  {
    name: 'POST a form (CSRF)',
    body: 'query=%7B%20places%20%7B%20totalCount%20%7D%20%7D',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    names: 'application/x-www-form-urlencoded',
  },
  { name: 'POST multipart', body: '--x\r\n\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'multipart/form-data' },
  { name: 'POST without a Content-Type', body: Buffer.from('{"query":"{ places { totalCount } }"}'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'no Content-Type' },
  { name: 'POST application/graphql', body: '{ places { totalCount } }', headers: { 'content-type': 'application/graphql' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'application/graphql' },
  { name: 'a body that is not JSON', body: '{"query": "{ places { totalCount } }"', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: 'JSON' },
  { name: 'a body that is a JSON string', body: '"{ places { totalCount } }"', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: /JSON|body|query/ },
  { name: 'a batch (array) body', body: '[{"query":"{ places { totalCount } }"}]', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: /batch/i },
  { name: 'an empty JSON object', body: '{}', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: /body|query/ },
  { name: 'query is a number', body: '{"query": 42}', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: /quer/i },
  { name: 'query is an empty string', body: '{"query": ""}', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: /query/ },
  { name: 'variables is a string', body: '{"query":"{ places { totalCount } }","variables":"x"}', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: /variables/ },
  { name: 'variables is a list', body: '{"query":"{ places { totalCount } }","variables":[1]}', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: /variables/ },
  { name: 'operationName is a number', body: '{"query":"{ places { totalCount } }","operationName":7}', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', names: /operationName/ },
  {
    name: 'a body over the size limit',
    body: JSON.stringify({ query: '{ places { totalCount } }', variables: { pad: 'x'.repeat(1_100_000) } }),
    headers: { 'content-type': 'application/json' },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    names: /larger than/,
  },
  { name: 'GET without a CSRF preflight header', method: 'GET', path: `/graphql?query=${encodeURIComponent('{ places { totalCount } }')}`, status: 400, code: 'BAD_REQUEST', names: /CSRF|Cross-Site/i },
  {
    name: 'a mutation over GET',
    method: 'GET',
    path: `/graphql?query=${encodeURIComponent('mutation { deleteActor(input: {id: "actor:tass"}) { deletedId } }')}`,
    headers: { 'apollo-require-preflight': 'true' },
    status: 405,
    code: 'BAD_REQUEST',
    names: /GET/,
  },
  { name: 'GET with invalid variables JSON', method: 'GET', path: `/graphql?query=${encodeURIComponent('{ places { totalCount } }')}&variables=%7Bx`, headers: { 'apollo-require-preflight': 'true' }, status: 400, code: 'BAD_REQUEST', names: /variables/ },
  { name: 'a URL over 8 KB', method: 'GET', path: `/graphql?query=${'x'.repeat(9_000)}`, status: 414, code: 'URI_TOO_LONG', names: /URL/ },
  { name: 'an unknown route under /export', method: 'GET', path: '/export/everything', status: 404, code: 'NOT_FOUND', names: '/export/everything' },
  { name: 'an unknown route under /health', method: 'GET', path: '/health/secrets', status: 404, code: 'NOT_FOUND', names: '/health/secrets' },
  { name: 'a missing explorer asset', method: 'GET', path: '/assets/nope.js', status: 404, code: 'NOT_FOUND', names: '/assets/nope.js' },
  { name: 'an unknown route, POST', method: 'POST', path: '/admin', body: '{}', headers: { 'content-type': 'application/json' }, status: 404, code: 'NOT_FOUND', names: '/admin' },
];

// ---------------------------------------------------------------------------------------------------------
// Documents: parse, validation, the guards

const fields = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: places(first: 1) { totalCount }`).join(' ');
const fragmentBomb = (levels: number) =>
  `query { ...F0 }\n` +
  Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} places(first: 2) { edges { node { ...P${i} } } } }`).join('\n') +
  `\nfragment F${levels} on Query { places { totalCount } }\n` +
  Array.from({ length: levels }, (_, i) => `fragment P${i} on Place { id parent { ...Q${i} } }`).join('\n') +
  '\n' +
  Array.from({ length: levels }, (_, i) => `fragment Q${i} on Place { name children(first: 2) { edges { node { id ${i + 1 < levels ? `...P${i + 1}` : ''} } } } }`).join('\n');
const spreadBomb = (levels: number) =>
  `query { ...S0 }\n` +
  Array.from({ length: levels }, (_, i) => `fragment S${i} on Query { ...S${i + 1} ...S${i + 1} places(first: 1) { totalCount } }`).join('\n') +
  `\nfragment S${levels} on Query { places(first: 1) { totalCount } }`;

const documentCases: Case[] = [
  GQL('a syntax error', '{ places { totalCount }', parseFailed(/Syntax Error/)),
  GQL('an unterminated string', '{ search(query: "kup) { totalCount } }', parseFailed(/Unterminated string/)),
  GQL('an invalid character', '{ places { totalCount } } \u0007', parseFailed(/Syntax Error/)),
  GQL('only a comment', '# nothing here', parseFailed(/Syntax Error/)),
  GQL('an unknown field', '{ places { totalCount nope } }', invalid('nope')),
  GQL('an unknown root field', '{ secrets }', invalid('secrets')),
  GQL('an unknown argument', '{ places(limit: 5) { totalCount } }', invalid('limit')),
  GQL('a missing required argument', '{ place { id } }', invalid('id')),
  GQL('a selection on a scalar', '{ places { totalCount { value } } }', invalid('totalCount')),
  GQL('no selection on an object', '{ places }', invalid('places')),
  GQL('an undefined variable', '{ place(id: $id) { id } }', invalid('$id')),
  GQL('an unused variable', 'query ($x: Int) { places { totalCount } }', invalid('$x')),
  GQL('a variable of the wrong type for its place', 'query ($id: Int) { place(id: $id) { id } }', invalid('$id')),
  GQL('an unknown fragment', '{ ...Nope }', invalid('Nope')),
  GQL('a fragment cycle', 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }', invalid(/spread fragment "A" within itself/)),
  GQL('a fragment on an unknown type', 'query { ...A } fragment A on Planet { id }', invalid('Planet')),
  GQL('two anonymous operations', '{ places { totalCount } } { actors { totalCount } }', invalid(/anonymous/)),
  GQL('two operations with one name', 'query A { places { totalCount } } query A { actors { totalCount } }', invalid('"A"')),
  GQL('an unknown directive', '{ places @cache { totalCount } }', invalid('cache')),
  GQL('a directive in the wrong place', 'query @include(if: true) { places { totalCount } }', invalid('include')),
  GQL('a subscription', 'subscription { places { totalCount } }', invalid(/[Ss]ubscription/)),
  GQL('conflicting fields under one name', '{ x: place(id: "place:kupyansk") { id } x: place(id: "place:kharkiv") { id } }', invalid('"x"')),
  GQL('an impossible Date literal', '{ timeline(id: "place:kupyansk", from: "2024-02-30") { totalCount } }', bad('from')),
  GQL('an unknown enum literal', '{ statements(where: {kind: {eq: CONQUEST}}) { totalCount } }', bad('where.kind.eq', 'CONQUEST')),
  GQL('a string for an Int literal', '{ places(first: "5") { totalCount } }', bad('first')),
  GQL('a float for an Int literal', '{ places(first: 1.5) { totalCount } }', bad('first')),
  GQL('an Int past 32 bits', '{ places(first: 4294967296) { totalCount } }', bad('first')),
  GQL('null for a non-null literal', '{ place(id: null) { id } }', bad('id')),
  GQL('an unknown input field literal', '{ places(where: {colour: {eq: "red"}}) { totalCount } }', invalid('colour')),
  GQL('a query deeper than the limit', `{ place(id: "place:kupyansk") { ${'parent { '.repeat(20)}id${' }'.repeat(20)} } }`, tooComplex('depth')),
  GQL('depth hidden in fragments', `{ place(id: "place:kupyansk") { ...D0 } } ${Array.from({ length: 20 }, (_, i) => `fragment D${i} on Place { parent { ${i < 19 ? `...D${i + 1}` : 'id'} } }`).join(' ')}`, tooComplex('depth')),
  GQL('31 aliases', `{ ${fields(31)} }`, tooComplex('aliases')),
  GQL('1,000 aliases x 10 fields', `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: place(id: "place:kupyansk") { id name kind aliases createdAt updatedAt areaKm2 description location { latitude } }`).join(' ')} }`, tooComplex('tokens')),
  GQL('10,000 aliases', `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`, tooComplex('tokens')),
  GQL('1,000 aliases of search (tokens)', `{ ${Array.from({ length: 1000 }, (_, i) => `s${i}: search(query: "k") { totalCount }`).join(' ')} }`, tooComplex('tokens')),
  GQL('40 aliases of search', `{ ${Array.from({ length: 40 }, (_, i) => `s${i}: search(query: "k") { totalCount }`).join(' ')} }`, tooComplex('aliases')),
  GQL('aliases multiplied by fragments', `{ ...A ...B } fragment A on Query { ${fields(20)} } fragment B on Query { ${fields(20).replace(/a(\d+):/g, 'b$1:')} }`, tooComplex('aliases')),
  GQL('51 directives', `{ places { ${Array.from({ length: 51 }, () => 'totalCount @include(if: true)').join(' ')} } }`, tooComplex('directives')),
  GQL('a fragment bomb (2^30 expansions)', spreadBomb(30), tooComplex('cost')),
  GQL('a fragment bomb through nested pages', fragmentBomb(12), tooComplex('depth')),
  GQL(
    'pages multiplying past the cost limit',
    '{ places(first: 100) { edges { node { statements(first: 100) { edges { node { sources(first: 100) { totalCount } } } } } } } }',
    tooComplex('cost'),
  ),
  GQL('a document over the token limit', `{ places { ${'totalCount '.repeat(6000)} } }`, tooComplex('tokens')),
  GQL('a literal nested 3,000 deep', `{ cypher(query: "RETURN 1", params: ${'['.repeat(3000)}${']'.repeat(3000)}) { columns } }`, tooComplex('nesting')),
  GQL('selections nested 2,000 deep', `{ ${'place(id: "x") { '.repeat(2000)}id${' }'.repeat(2000)} }`, tooComplex('nesting')),
  GQL('1,000 nested ANDs, literal', `{ statements(where: ${'{AND: ['.repeat(1000)}{}${']}'.repeat(1000)}) { totalCount } }`, tooComplex('nesting')),
  GQL('100 nested ANDs, literal', `{ statements(where: ${'{AND: ['.repeat(100)}{}${']}'.repeat(100)}) { totalCount } }`, tooComplex('nesting')),
  GQL('20 nested NOTs, literal', `{ statements(where: ${'{NOT: '.repeat(20)}{kind: {eq: CONTROL}}${'}'.repeat(20)}) { totalCount } }`, tooComplex('filterDepth')),
  GQL('a where with 150 OR branches, literal', `{ statements(where: {OR: [${Array.from({ length: 150 }, (_, i) => `{credibility: {eq: ${(i % 6) + 1}}}`).join(', ')}]}) { totalCount } }`, tooComplex('filterSize')),
  {
    name: 'an APQ hash that does not match the query',
    query: '{ places { totalCount } }',
    extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
    status: 400,
    code: 'PERSISTED_QUERY_HASH_MISMATCH',
    names: /sha/,
  },
  {
    name: 'an APQ hash never registered',
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('{ never { sent } }').digest('hex') } } }),
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'PERSISTED_QUERY_NOT_FOUND',
    names: /PersistedQueryNotFound/,
  },
  {
    name: 'an APQ version 2',
    query: '{ places { totalCount } }',
    extensions: { persistedQuery: { version: 2, sha256Hash: createHash('sha256').update('{ places { totalCount } }').digest('hex') } },
    status: 400,
    code: 'PERSISTED_QUERY_VERSION_UNSUPPORTED',
    names: /version/,
  },
  GQL('an operationName that is not in the document', 'query A { places { totalCount } }', { status: 400, code: 'OPERATION_RESOLUTION_FAILURE', names: '"B"' }),
];
documentCases[documentCases.length - 1].body = JSON.stringify({ query: 'query A { places { totalCount } }', operationName: 'B' });
documentCases[documentCases.length - 1].headers = { 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------------------------
// Variables

const STATEMENTS = 'query ($w: StatementWhere) { statements(where: $w) { totalCount } }';
const variableCases: Case[] = [
  GQL('an impossible Date variable', 'query ($d: Date) { timeline(id: "place:kupyansk", from: $d) { totalCount } }', bad('$d', '2024-13-01'), { d: '2024-13-01' }),
  GQL('February 30th', 'query ($d: Date) { timeline(id: "place:kupyansk", to: $d) { totalCount } }', bad('$d'), { d: '2024-02-30' }),
  GQL('a Date with a time', 'query ($d: Date) { timeline(id: "place:kupyansk", to: $d) { totalCount } }', bad('$d'), { d: '2024-02-03T10:00:00Z' }),
  GQL('a year 99999', 'query ($d: Date) { timeline(id: "place:kupyansk", to: $d) { totalCount } }', bad('$d'), { d: '99999-01-01' }),
  GQL('a DateTime that is not one', 'query ($t: DateTime!) { asRecorded(id: "place:kupyansk", at: $t) { exists } }', bad('$t'), { t: 'yesterday' }),
  GQL('a string for an Int', 'query ($n: Int) { places(first: $n) { totalCount } }', bad('$n'), { n: 'ten' }),
  GQL('a float for an Int', 'query ($n: Int) { places(first: $n) { totalCount } }', bad('$n'), { n: 2.5 }),
  GQL('an Int past 32 bits', 'query ($n: Int) { places(first: $n) { totalCount } }', bad('$n'), { n: 2 ** 40 }),
  GQL('a boolean for a String', 'query ($q: String!) { search(query: $q) { totalCount } }', bad('$q'), { q: true }),
  GQL('an object for an ID', 'query ($id: ID!) { node(id: $id) { id } }', bad('$id'), { id: { id: 'place:kupyansk' } }),
  GQL('an unknown enum value', STATEMENTS, bad('$w', 'CONQUEST'), { w: { kind: { eq: 'CONQUEST' } } }),
  GQL('an enum value in the wrong case', STATEMENTS, bad('$w', 'control'), { w: { kind: { eq: 'control' } } }),
  GQL('null for a non-null variable', 'query ($id: ID!) { node(id: $id) { id } }', bad('$id'), { id: null }),
  GQL('a missing non-null variable', 'query ($id: ID!) { node(id: $id) { id } }', bad('$id'), {}),
  GQL('null inside a non-null list', 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', bad('$ids'), { ids: ['place:kupyansk', null] }),
  GQL('an unknown input field', STATEMENTS, bad('$w', 'colour'), { w: { colour: { eq: 'red' } } }),
  GQL('a wrong type inside an input', STATEMENTS, bad('$w'), { w: { credibility: { eq: 'high' } } }),
  GQL('a missing $v in @include', 'query ($v: Boolean!) { places { totalCount @include(if: $v) } }', bad('$v'), {}),
  GQL('null for $v in @include', 'query ($v: Boolean = true) { places { totalCount @include(if: $v) } }', bad('@include(if)'), { v: null }),
  GQL('null for $v in @skip on a fragment', 'query ($v: Boolean = false) { ... on Query @skip(if: $v) { places { totalCount } } }', bad('@skip(if)'), { v: null }),
  GQL('an undeclared $v in @include', '{ places { totalCount @include(if: $v) } }', invalid('$v')),
  GQL('variables nested 100,000 deep', STATEMENTS, tooComplex('inputDepth'), { w: deep(100_000, '[', '1', ']') }),
  GQL('1,000 nested ANDs in a variable', STATEMENTS, tooComplex('inputDepth'), { w: deep(1000, '{"AND":[', '{}', ']}') }),
  GQL('10,000 nested NOTs in a variable', STATEMENTS, tooComplex('inputDepth'), { w: deep(10_000, '{"NOT":', '{}', '}') }),
  GQL('33 nested NOTs in a variable', STATEMENTS, tooComplex('inputDepth'), { w: deep(33, '{"NOT":', '{}', '}') }),
  GQL('9 nested NOTs in a variable', STATEMENTS, tooComplex('filterDepth'), { w: nested(9, (x) => ({ NOT: x }), { kind: { eq: 'CONTROL' } }) }),
  GQL('an OR of 1,000 branches', STATEMENTS, tooComplex('filterSize'), { w: { OR: Array.from({ length: 1000 }, (_, i) => ({ text: { contains: `w${i}` } })) } }),
  GQL('an OR of 10,000 branches', STATEMENTS, tooComplex('inputValues'), { w: { OR: Array.from({ length: 10_000 }, (_, i) => ({ credibility: { eq: (i % 6) + 1 } })) } }),
  GQL('a relation filter nested 16 deep', STATEMENTS, tooComplex('inputDepth'), { w: nested(16, (x) => ({ contradicts: { some: { node: x } } }), { kind: { eq: 'CONTROL' } }) }),
  GQL('a relation filter nested 9 deep', STATEMENTS, tooComplex('filterDepth'), { w: nested(9, (x) => ({ contradicts: { some: { node: x } } }), { kind: { eq: 'CONTROL' } }) }),
  GQL('101 conditions in one filter', STATEMENTS, tooComplex('filterSize'), {
    w: { AND: Array.from({ length: 50 }, (_, i) => ({ text: { contains: `a${i}` } })) .concat(Array.from({ length: 2 }, () => ({ text: { contains: 'x' } }))) },
  }),
  GQL('cypher params nested 10,000 deep', 'query ($p: JSON) { cypher(query: "RETURN 1 AS one", params: $p) { columns } }', tooComplex('inputDepth'), {
    p: deep(10_000, '{"a":', '1', '}'),
  }),
  GQL('cypher params with 20,000 values', 'query ($p: JSON) { cypher(query: "RETURN 1 AS one", params: $p) { columns } }', tooComplex('inputValues'), {
    p: { list: Array.from({ length: 20_000 }, (_, i) => i) },
  }),
  GQL('variables with 20,000 values', STATEMENTS, tooComplex('inputValues'), { w: { id: { in: Array.from({ length: 20_000 }, (_, i) => `statement:s${i}`) } } }),
];

// ---------------------------------------------------------------------------------------------------------
// Arguments the schema accepts but the API refuses

const b64 = (json: unknown) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
const argumentCases: Case[] = [
  GQL('first: -1', '{ places(first: -1) { totalCount } }', bad('first')),
  GQL('first: 101', '{ places(first: 101) { totalCount } }', bad('first')),
  GQL('first: 101 nested', '{ place(id: "place:kupyansk") { statements(first: 101) { totalCount } } }', bad('first')),
  GQL('first: 1000 on search', '{ search(query: "kupyansk", first: 1000) { totalCount } }', bad('first')),
  GQL('first: 101 on history', '{ history(id: "place:kupyansk", first: 101) { totalCount } }', bad('first')),
  GQL('first: 101 on the timeline', '{ timeline(id: "place:kupyansk", first: 101) { totalCount } }', bad('first')),
  GQL('a cursor that is not base64 JSON', '{ places(after: "!!!") { totalCount } }', bad('after')),
  GQL('a cursor of another list', `{ places(after: "${b64({ o: 'kind.ASC', k: ['x', 'y'] })}") { totalCount } }`, bad('after')),
  GQL('a cursor holding 1e400', `{ places(after: "${Buffer.from('{"o":"","k":[1e400]}').toString('base64url')}") { totalCount } }`, bad('after')),
  GQL('a cursor holding an object', `{ places(after: "${b64({ o: '', k: [{ $gt: '' }] })}") { totalCount } }`, bad('after')),
  GQL('a cursor 10 KB long', `{ places(after: "${'A'.repeat(10_000)}") { totalCount } }`, bad('after')),
  GQL('101 ids', `{ nodes(ids: [${Array.from({ length: 101 }, (_, i) => `"place:p${i}"`).join(', ')}]) { id } }`, bad('ids')),
  GQL('a malformed id', '{ node(id: "kupyansk") { id } }', bad('id')),
  GQL('an id of an unknown label', '{ node(id: "planet:earth") { id } }', bad('id')),
  GQL('an id with spaces', '{ place(id: "place:kup yansk") { id } }', bad('id')),
  GQL('an id 500 characters long', `{ place(id: "place:${'k'.repeat(500)}") { id } }`, bad('id')),
  GQL('an id with a NUL', '{ place(id: "place:kup\\u0000yansk") { id } }', bad('id')),
  GQL('a date window backwards', '{ statements(where: {statedAt: {overlaps: {from: "2024-12-31", to: "2024-01-01"}}}) { totalCount } }', bad('where', /after/)),
  GQL('near with radius 0', '{ places(where: {near: {placeId: "place:kupyansk", radiusKm: 0}}) { totalCount } }', bad('where.near.radiusKm')),
  GQL('near with radius 30,000 km', '{ places(where: {near: {placeId: "place:kupyansk", radiusKm: 30000}}) { totalCount } }', bad('where.near.radiusKm')),
  GQL('near with a point and a place', '{ places(where: {near: {placeId: "place:kupyansk", point: {latitude: 1, longitude: 1}, radiusKm: 5}}) { totalCount } }', bad('where.near.point', /exactly one|both|point/)),
  GQL('near with latitude 91', '{ places(where: {near: {point: {latitude: 91, longitude: 37}, radiusKm: 5}}) { totalCount } }', bad('where.near.point', /latitude/)),
  GQL('a box with south north of north', '{ places(where: {inBox: {south: 50, west: 37, north: 49, east: 38}}) { totalCount } }', bad('where.inBox')),
  GQL('a box with longitude 200', '{ places(where: {inBox: {south: 49, west: 37, north: 50, east: 200}}) { totalCount } }', bad('where.inBox', /longitude/)),
  GQL('within a statement id', '{ places(where: {within: {placeId: "statement:x"}}) { totalCount } }', bad('where.within.placeId')),
  GQL('DISTANCE order without near', '{ places(orderBy: [{field: DISTANCE}]) { totalCount } }', bad('orderBy')),
  GQL('an empty search', '{ search(query: "") { totalCount } }', bad('query')),
  GQL('a search of only spaces', '{ search(query: "   ") { totalCount } }', bad('query')),
  GQL('a LUCENE search that does not parse', '{ search(query: "kup AND (", syntax: LUCENE) { totalCount } }', bad('query')),
  GQL('a LUCENE search with a leading wildcard', '{ search(query: "*yansk", syntax: LUCENE) { totalCount } }', bad('query')),
  GQL('neighbourhood depth 0', '{ neighbourhood(id: "place:kupyansk", depth: 0) { nodes { id } } }', bad('depth')),
  GQL('neighbourhood depth 4', '{ neighbourhood(id: "place:kupyansk", depth: 4) { nodes { id } } }', bad('depth')),
  GQL('neighbourhood limit 1001', '{ neighbourhood(id: "place:kupyansk", limit: 1001) { nodes { id } } }', bad('limit')),
  GQL('shortestPath maxDepth 0', '{ shortestPath(from: "place:kupyansk", to: "place:kharkiv", maxDepth: 0) { nodes { id } } }', bad('maxDepth')),
  GQL('shortestPath with a malformed id', '{ shortestPath(from: "kupyansk", to: "place:kharkiv") { nodes { id } } }', bad('from')),
  GQL('a timeline window backwards', '{ timeline(id: "place:kupyansk", from: "2024-12-31", to: "2024-01-01") { totalCount } }', bad('from', /after/)),
  GQL('contested claims window backwards', '{ contestedClaims(from: "2024-12-31", to: "2024-01-01") { totalCount } }', bad('from', /after/)),
  GQL('corroboration min over max', '{ corroboration(minOrigins: 3, maxOrigins: 1) { totalCount } }', bad('minOrigins', /maxOrigins/)),
  GQL('corroboration minOrigins -1', '{ corroboration(minOrigins: -1) { totalCount } }', bad('minOrigins')),
  GQL('provenance of a malformed id', '{ provenance(id: "nope") { speaker { id } } }', bad('id')),
  GQL('history of a malformed id', '{ history(id: "x:") { totalCount } }', bad('id')),
  GQL('exportSubgraph maxNodes 0', '{ exportSubgraph(maxNodes: 0) { text } }', bad('maxNodes')),
  GQL('exportSubgraph maxNodes 10,000', '{ exportSubgraph(maxNodes: 10000) { text } }', bad('maxNodes')),
  GQL('exportSubgraph depth 11', '{ exportSubgraph(selection: {seeds: ["place:kupyansk"], depth: 11}) { text } }', bad('selection.depth')),
  GQL('exportSubgraph seeds and a filter', '{ exportSubgraph(selection: {seeds: ["place:kupyansk"], from: "2024-01-01"}) { text } }', bad('selection.seeds')),
  GQL('exportSubgraph of a seed that does not exist', '{ exportSubgraph(selection: {seeds: ["place:atlantis"]}) { text } }', { status: 404, code: 'NOT_FOUND', argument: 'selection.seeds.0', names: 'atlantis' }),
  GQL('exportSubgraph too big for maxNodes', '{ exportSubgraph(maxNodes: 3) { text } }', bad('maxNodes')),
  GQL('a Cypher write', '{ cypher(query: "CREATE (n:Actor {id: \'actor:x\'}) RETURN n") { columns } }', { status: 403, code: 'FORBIDDEN', argument: 'query', names: 'read-only' }),
  GQL('a Cypher write hidden in a CALL', '{ cypher(query: "CALL { MERGE (n:Place {id: \'place:x\'}) } RETURN 1") { columns } }', { status: 403, code: 'FORBIDDEN', argument: 'query', names: 'read-only' }),
  GQL('a Cypher admin command', '{ cypher(query: "SHOW USERS") { columns } }', { status: 403, code: 'FORBIDDEN', argument: 'query' }),
  GQL('a Cypher that does not parse', '{ cypher(query: "MATCH (n RETURN n") { columns } }', bad('query')),
  GQL('a Cypher longer than 20,000 characters', `{ cypher(query: "RETURN 1 ${'+ 1 '.repeat(6000)}") { columns } }`, bad('query')),
  GQL('Cypher params that are not an object', '{ cypher(query: "RETURN $x", params: [1, 2]) { columns } }', bad('params')),
  GQL('asRecorded of a malformed id', '{ asRecorded(id: "x", at: "2024-01-01T00:00:00Z") { exists } }', bad('id')),
];

// ---------------------------------------------------------------------------------------------------------
// Mutations refused by GraphQL itself: the mutation does not run

const mutationCases: Case[] = [
  GQL('upsertActor with an unknown kind', 'mutation { upsertActor(input: {name: "X", kind: WIZARD, side: "RU"}) { actor { id } } }', bad('input.kind', 'WIZARD')),
  GQL('upsertActor without a name', 'mutation { upsertActor(input: {kind: PERSON}) { actor { id } } }', invalid('name')),
  GQL('upsertActor with null input', 'mutation ($i: UpsertActorInput!) { upsertActor(input: $i) { actor { id } } }', bad('$i'), { i: null }),
  GQL('upsertActor with an unknown field', 'mutation ($i: UpsertActorInput!) { upsertActor(input: $i) { actor { id } } }', bad('$i', 'powers'), { i: { name: 'X', kind: 'PERSON', powers: 'flight' } }),
  GQL('upsertStatement with an impossible date', 'mutation ($i: UpsertStatementInput!) { upsertStatement(input: $i) { statement { id } } }', bad('$i', '2024-02-30'), {
    i: { text: 'x', kind: 'CONTROL', statedAt: { start: '2024-02-30', end: '2024-02-30', precision: 'DAY' }, speakerId: 'actor:tass', sources: [{ sourceId: 'source:tass-report' }] },
  }),
  GQL('updatePlace with a string for areaKm2', 'mutation { updatePlace(input: {id: "place:kupyansk", set: {areaKm2: "big"}}) { place { id } } }', bad('input.set.areaKm2')),
  GQL('deleteActor with a missing id', 'mutation { deleteActor(input: {}) { deletedId } }', invalid('id')),
  GQL('two mutations, the second malformed: neither runs', 'mutation { a: updatePlace(input: {id: "place:kupyansk", set: {areaKm2: 1}}) { place { id } } b: updatePlace(input: {id: "place:kharkiv", set: {areaKm2: "x"}}) { place { id } } }', bad('input.set.areaKm2')),
  GQL('a mutation over the alias limit', `mutation { ${Array.from({ length: 31 }, (_, i) => `m${i}: retractStatement(input: {id: "statement:x${i}", reason: "r"}) { statement { id } }`).join(' ')} }`, tooComplex('aliases')),
];

// ---------------------------------------------------------------------------------------------------------
// GET|POST /export

const exportCases: Case[] = [
  { name: 'export: an unknown format', method: 'GET', path: '/export?format=xlsx', status: 400, code: 'BAD_USER_INPUT', argument: 'format', names: 'format' },
  { name: 'export: an unknown parameter', method: 'GET', path: '/export?seeds=place:kupyansk&deep=2', status: 400, code: 'BAD_USER_INPUT', argument: 'deep', names: 'deep' },
  { name: 'export: from 2024-13-01', method: 'GET', path: '/export?from=2024-13-01', status: 400, code: 'BAD_USER_INPUT', argument: 'from', names: 'from' },
  { name: 'export: to 99999-01-01', method: 'GET', path: '/export?to=99999-01-01', status: 400, code: 'BAD_USER_INPUT', argument: 'to', names: 'to' },
  { name: 'export: from 2024-02-30', method: 'GET', path: '/export?from=2024-02-30', status: 400, code: 'BAD_USER_INPUT', argument: 'from', names: 'from' },
  { name: 'export: from after to', method: 'GET', path: '/export?from=2024-12-01&to=2024-11-01', status: 400, code: 'BAD_USER_INPUT', argument: 'to', names: 'to' },
  { name: 'export: from given twice', method: 'GET', path: '/export?from=2024-11-01&from=2024-12-01', status: 400, code: 'BAD_USER_INPUT', argument: 'from', names: 'from' },
  { name: 'export: depth 11', method: 'GET', path: '/export?seeds=place:kupyansk&depth=11', status: 400, code: 'BAD_USER_INPUT', argument: 'depth', names: 'depth' },
  { name: 'export: depth -1', method: 'GET', path: '/export?seeds=place:kupyansk&depth=-1', status: 400, code: 'BAD_USER_INPUT', argument: 'depth', names: 'depth' },
  { name: 'export: depth two', method: 'GET', path: '/export?seeds=place:kupyansk&depth=two', status: 400, code: 'BAD_USER_INPUT', argument: 'depth', names: 'depth' },
  { name: 'export: depth without seeds', method: 'GET', path: '/export?depth=2', status: 400, code: 'BAD_USER_INPUT', argument: 'depth', names: 'depth' },
  { name: 'export: a malformed seed', method: 'GET', path: '/export?seeds=kupyansk', status: 400, code: 'BAD_USER_INPUT', argument: 'seeds.0', names: 'seeds' },
  { name: 'export: a seed that does not exist', method: 'GET', path: '/export?seeds=place:atlantis', status: 404, code: 'NOT_FOUND', names: 'atlantis' },
  { name: 'export: seed and seeds', method: 'GET', path: '/export?seed=place:kupyansk&seeds=place:kharkiv', status: 400, code: 'BAD_USER_INPUT', argument: 'seed', names: 'seed' },
  { name: 'export: an unknown label', method: 'GET', path: '/export?labels=Planet', status: 400, code: 'BAD_USER_INPUT', argument: 'labels.0', names: 'labels' },
  { name: 'export: within a statement', method: 'GET', path: '/export?within=statement:x', status: 400, code: 'BAD_USER_INPUT', argument: 'within', names: 'within' },
  { name: 'export: within a place that does not exist', method: 'GET', path: '/export?within=place:atlantis', status: 404, code: 'NOT_FOUND', names: 'atlantis' },
  { name: 'export: seeds and a filter', method: 'GET', path: '/export?seeds=place:kupyansk&from=2024-01-01', status: 400, code: 'BAD_USER_INPUT', argument: 'seeds', names: 'seeds' },
  { name: 'export: part without csv', method: 'GET', path: '/export?format=json&part=nodes_Place.csv', status: 400, code: 'BAD_USER_INPUT', argument: 'part', names: 'part' },
  { name: 'export: an unknown csv part', method: 'GET', path: '/export?format=csv&part=passwords.csv', status: 400, code: 'BAD_USER_INPUT', argument: 'part', names: 'part' },
  { name: 'export: GET selection that is not JSON', method: 'GET', path: '/export?selection=%7Bseeds', status: 400, code: 'BAD_USER_INPUT', argument: 'selection', names: 'selection' },
  {
    name: 'export: GET selection with an unknown key',
    method: 'GET',
    path: `/export?selection=${encodeURIComponent(JSON.stringify({ seeds: ['place:kupyansk'], hops: 3 }))}`,
    status: 400,
    code: 'BAD_USER_INPUT',
    names: 'hops',
  },
  {
    name: 'export: GET selection and separate keys',
    method: 'GET',
    path: `/export?depth=1&selection=${encodeURIComponent(JSON.stringify({ seeds: ['place:kupyansk'] }))}`,
    status: 400,
    code: 'BAD_USER_INPUT',
    argument: 'depth',
    names: 'depth',
  },
  { name: 'export: GET selection that is a list', method: 'GET', path: '/export?selection=%5B1%5D', status: 400, code: 'BAD_USER_INPUT', argument: 'selection', names: 'selection' },
  {
    name: 'export: POST selection with an unknown key',
    method: 'POST',
    path: '/export',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ format: 'json', selection: { seeds: ['place:kupyansk'], labelz: ['Place'] } }),
    status: 400,
    code: 'BAD_USER_INPUT',
    names: 'labelz',
  },
  {
    name: 'export: POST an unknown top-level key',
    method: 'POST',
    path: '/export',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ format: 'json', seedz: ['place:kupyansk'] }),
    status: 400,
    code: 'BAD_USER_INPUT',
    argument: 'seedz',
    names: 'seedz',
  },
  { name: 'export: POST a list body', method: 'POST', path: '/export', headers: { 'content-type': 'application/json' }, body: '[]', status: 400, code: 'BAD_USER_INPUT', names: /object/ },
  { name: 'export: POST a body that is not JSON', method: 'POST', path: '/export', headers: { 'content-type': 'application/json' }, body: '{"format":', status: 400, code: 'BAD_REQUEST', names: 'JSON' },
  { name: 'export: POST text/plain', method: 'POST', path: '/export', headers: { 'content-type': 'text/plain' }, body: '{"format":"json"}', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'text/plain' },
  { name: 'export: POST seeds as a number', method: 'POST', path: '/export', headers: { 'content-type': 'application/json' }, body: '{"seeds": 5}', status: 400, code: 'BAD_USER_INPUT', names: 'seeds' },
  { name: 'export: POST depth as a string of digits too big', method: 'POST', path: '/export', headers: { 'content-type': 'application/json' }, body: '{"seeds":["place:kupyansk"],"depth":"99999999"}', status: 400, code: 'BAD_USER_INPUT', names: 'depth' },
  { name: 'export: PUT', method: 'PUT', path: '/export', status: 405, code: 'METHOD_NOT_ALLOWED', names: 'PUT' },
  { name: 'export: DELETE', method: 'DELETE', path: '/export', status: 405, code: 'METHOD_NOT_ALLOWED', names: 'DELETE' },
];

// ---------------------------------------------------------------------------------------------------------
// POST /import

const BUNDLE = JSON.stringify({ format: 'claimgraph-bundle', version: 1, nodes: [{ label: 'Actor', id: 'actor:csrf-test', properties: { name: 'CSRF', kind: 'PERSON' } }], edges: [] });
const importCases: Case[] = [
  { name: 'import: text/plain with ?format=json (CSRF)', method: 'POST', path: '/import?format=json', headers: { 'content-type': 'text/plain' }, body: BUNDLE, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'text/plain' },
  { name: 'import: text/plain with ?format=ndjson (CSRF)', method: 'POST', path: '/import?format=ndjson', headers: { 'content-type': 'text/plain' }, body: BUNDLE, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'text/plain' },
  { name: 'import: a form with ?format=json (CSRF)', method: 'POST', path: '/import?format=json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `x=${encodeURIComponent(BUNDLE)}`, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'form' },
  { name: 'import: multipart with ?format=json (CSRF)', method: 'POST', path: '/import?format=json', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: `--b\r\n\r\n${BUNDLE}\r\n--b--`, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'multipart' },
  { name: 'import: no Content-Type', method: 'POST', path: '/import', body: Buffer.from(BUNDLE), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', names: 'no Content-Type' },
  { name: 'import: ?format= that contradicts the Content-Type', method: 'POST', path: '/import?format=csv', headers: { 'content-type': 'application/json' }, body: BUNDLE, status: 400, code: 'BAD_USER_INPUT', argument: 'format', names: 'format' },
  { name: 'import: an unknown parameter', method: 'POST', path: '/import?dry=true', headers: { 'content-type': 'application/json' }, body: BUNDLE, status: 400, code: 'BAD_USER_INPUT', argument: 'dry', names: 'dry' },
  { name: 'import: batchSize 0', method: 'POST', path: '/import?batchSize=0', headers: { 'content-type': 'application/json' }, body: BUNDLE, status: 400, code: 'BAD_USER_INPUT', argument: 'batchSize', names: 'batchSize' },
  { name: 'import: batchSize x', method: 'POST', path: '/import?batchSize=x', headers: { 'content-type': 'application/json' }, body: BUNDLE, status: 400, code: 'BAD_USER_INPUT', argument: 'batchSize', names: 'batchSize' },
  { name: 'import: batchSize 1e9', method: 'POST', path: '/import?batchSize=1000000000', headers: { 'content-type': 'application/json' }, body: BUNDLE, status: 400, code: 'BAD_USER_INPUT', argument: 'batchSize', names: 'batchSize' },
  { name: 'import: dryRun=maybe', method: 'POST', path: '/import?dryRun=maybe', headers: { 'content-type': 'application/json' }, body: BUNDLE, status: 400, code: 'BAD_USER_INPUT', argument: 'dryRun', names: 'dryRun' },
  { name: 'import: a body over the limit', method: 'POST', path: '/import', headers: { 'content-type': 'application/json' }, body: BUNDLE.replace('"CSRF"', JSON.stringify('x'.repeat(5000))), status: 413, code: 'PAYLOAD_TOO_LARGE', names: /larger than/ },
  { name: 'import: truncated JSON', method: 'POST', path: '/import', headers: { 'content-type': 'application/json' }, body: BUNDLE.slice(0, 60), status: 400, code: 'BAD_USER_INPUT', names: /line|JSON|end/i },
  { name: 'import: the wrong format marker', method: 'POST', path: '/import', headers: { 'content-type': 'application/json' }, body: BUNDLE.replace('claimgraph-bundle', 'other'), status: 400, code: 'BAD_USER_INPUT', names: 'format' },
  { name: 'import: an unknown label', method: 'POST', path: '/import', headers: { 'content-type': 'application/json' }, body: BUNDLE.replace('"Actor"', '"Planet"'), status: 400, code: 'BAD_USER_INPUT', names: 'label' },
  { name: 'import: an edge to nowhere', method: 'POST', path: '/import', headers: { 'content-type': 'application/json' }, body: BUNDLE.replace('"edges":[]', '"edges":[{"type":"PUBLISHED_BY","from":"source:nowhere-at-all","to":"actor:csrf-test","properties":{}}]'), status: 400, code: 'BAD_USER_INPUT', names: 'source:nowhere-at-all' },
  { name: 'import: NDJSON that is not JSON', method: 'POST', path: '/import', headers: { 'content-type': 'application/x-ndjson' }, body: '{"format":"claimgraph-ndjson","version":1}\n{nope\n', status: 400, code: 'BAD_USER_INPUT', names: /line 2|:2/ },
  { name: 'import: CSV with an unknown header', method: 'POST', path: '/import', headers: { 'content-type': 'text/csv' }, body: 'colour,name\nred,x\n', status: 400, code: 'BAD_USER_INPUT', names: /header|column|id/i },
  { name: 'import: GET', method: 'GET', path: '/import', status: 405, code: 'METHOD_NOT_ALLOWED', names: 'GET' },
  { name: 'import: PUT', method: 'PUT', path: '/import', headers: { 'content-type': 'application/json' }, body: BUNDLE, status: 405, code: 'METHOD_NOT_ALLOWED', names: 'PUT' },
];

const ALL: Array<[string, Case[]]> = [
  ['HTTP', httpCases],
  ['documents', documentCases],
  ['variables', variableCases],
  ['arguments', argumentCases],
  ['mutations', mutationCases],
  ['/export', exportCases],
  ['/import', importCases],
];

describe.each(ALL)('bad requests: %s', (_group, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await check(c);
  });
});

describe('bad requests: beyond what fetch can send', () => {
  /** A raw HTTP request, for what fetch refuses to build (huge URLs and headers). */
  function raw(request: string): Promise<{ status: number; body: string }> {
    const { hostname, port } = new URL(base);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.end(request));
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
      socket.on('close', () => {
        const [head, ...rest] = data.split('\r\n\r\n');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: rest.join('\r\n\r\n') });
      });
      socket.on('error', reject);
    });
  }

  it('a 64 KB URL is 414 with a JSON body', async () => {
    const answer = await raw(`GET /graphql?query=${'x'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer.status).toBe(414);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('URI_TOO_LONG');
  });

  it('64 KB of headers is 431 with a JSON body', async () => {
    const answer = await raw(`GET /graphql HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(64 * 1024)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('REQUEST_HEADER_FIELDS_TOO_LARGE');
  });

  it('a request line that is not HTTP is 400 with a JSON body', async () => {
    const answer = await raw('HELLO\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('every answer carries a request id, the caller’s when well-formed', async () => {
    const given = await fetch(`${base}/graphql`, { method: 'PUT', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const minted = await fetch(`${base}/graphql`, { method: 'PUT', headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the corpus has at least 150 requests and the database never changed', async () => {
    const total = ALL.reduce((n, [, cases]) => n + cases.length, 0);
    expect(total).toBeGreaterThanOrEqual(150);
    expect(await fingerprint(h.db)).toBe(before);
  });
});
