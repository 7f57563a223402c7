import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countQueries, createHarness, model, startTestServer, type Harness, type TestServer } from '../harness.js';
import { fingerprint } from '../fingerprint.js';
import { tempDir } from '../exchange.js';
import { sample } from '../sample.js';
import { BundleValidationError, type BundleIssue } from '../../src/bundle/bundleSchema.js';
import { importRecords, type ImportReport } from '../../src/bundle/importBundle.js';
import { openImportSource } from '../../src/bundle/importSources.js';
import { columnValue, csvColumnsOf, encodeCell, headerCell } from '../../src/bundle/csvColumns.js';
import { formatPath } from '../../src/bundle/records.js';
import { SAMPLE_BUNDLE_PATH } from '../../src/sample/loadSample.js';
import type { Label } from '../../src/ids.js';

/**
 * One set of rules for every write: each rule a mutation enforces, an import enforces too, in every format
 * that can carry the offending value (JSON, NDJSON, CSV), dry run or not, across the input and what is
 * already stored. A refusal names the record (file and line) and the field, and leaves the database exactly
 * as it was: every node, relationship and change-log entry (tests/fingerprint.ts).
 */

let h: Harness;
let server: TestServer;
beforeAll(async () => {
  h = await createHarness();
  server = await startTestServer(h, { role: 'editor' });
});
afterAll(async () => {
  await server?.stop();
  await h.close();
});

type Props = Record<string, unknown>;
interface Node {
  label: Label;
  id: string;
  properties: Props;
}
interface Edge {
  type: string;
  from: string;
  to: string;
  properties: Props;
}
interface Bundle {
  nodes: Node[];
  edges: Edge[];
}
type Format = 'json' | 'ndjson' | 'csv';
const FORMATS: Format[] = ['json', 'ndjson', 'csv'];

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const fromSample = (id: string, change: Props = {}): Node => {
  const node = clone(sample.nodes.find((n) => n.id === id)!) as Node;
  Object.assign(node.properties, change);
  return node;
};
const edge = (type: string, from: string, to: string, properties: Props = {}): Edge => ({ type, from, to, properties });
const place = (id: string): Node => ({ label: 'Place', id, properties: { kind: 'CITY', name: id.slice('place:'.length) } });
const day = (d: string, raw?: string) => ({ start: d, end: d, precision: 'DAY', ...(raw === undefined ? {} : { raw }) });
const month = (m: string) => ({ start: `2024-${m}-01`, end: `2024-${m}-28`, precision: 'MONTH' });
const newStatement = (id: string): Node => ({ label: 'Statement', id, properties: { text: 'A claim made by a test.', kind: 'CONTROL', statedAt: day('2024-12-17') } });

const STATEMENT = 'statement:wgf-full-control-2024-12-16';

// ---- the input in each format, one record per line, and where each record lands ----

const JSON_HEAD = '{"format":"claimgraph-bundle","version":1,"nodes":[';
function asJson(b: Bundle): string {
  const list = (items: unknown[]) => items.map((x, i) => JSON.stringify(x) + (i < items.length - 1 ? ',' : ''));
  return [JSON_HEAD, ...list(b.nodes), '],"edges":[', ...list(b.edges), ']}'].join('\n');
}
function asNdjson(b: Bundle): string {
  return [
    '{"format":"claimgraph-ndjson","version":1}',
    ...b.nodes.map((n) => JSON.stringify({ kind: 'node', ...n })),
    ...b.edges.map((e) => JSON.stringify({ kind: 'edge', ...e })),
  ].join('\n');
}
const specsOf = (record: Node | Edge) => ('label' in record ? model.nodes.get(record.label)! : model.edges.get(record.type)!).properties;
const fileOf = (record: Node | Edge) => ('label' in record ? `nodes_${record.label}.csv` : `relationships_${record.type}.csv`);
function asCsv(b: Bundle): Record<string, string> {
  const files: Record<string, string[]> = {};
  for (const record of [...b.nodes, ...b.edges]) {
    const columns = csvColumnsOf(specsOf(record));
    const name = fileOf(record);
    const lines = (files[name] ??= [('label' in record ? 'id:ID,:LABEL' : ':START_ID,:END_ID,:TYPE') + columns.map((c) => `,${headerCell(c)}`).join('')]);
    const ends = 'label' in record ? [record.id, record.label] : [record.from, record.to, record.type];
    lines.push([...ends, ...columns.map((c) => encodeCell(c, columnValue(c, record.properties)))].join(','));
  }
  return Object.fromEntries(Object.entries(files).map(([name, lines]) => [name, lines.join('\n') + '\n']));
}

interface At {
  kind: 'node' | 'edge';
  index: number;
  /** The field inside the record, as the JSON formats name it. */
  field: Array<string | number>;
}

/** The file, line and field a refusal must name, in each format. */
function expectedAt(format: Format, b: Bundle, at: At): Pick<BundleIssue, 'file' | 'line' | 'path'> {
  const n = b.nodes.length;
  const inner = formatPath(at.field);
  if (format === 'json') {
    const record = `${at.kind}s[${at.index}]`;
    return { file: 'bundle.json', line: at.kind === 'node' ? 2 + at.index : n + 3 + at.index, path: inner ? `${record}.${inner}` : record };
  }
  if (format === 'ndjson') return { file: 'bundle.ndjson', line: at.kind === 'node' ? 2 + at.index : 2 + n + at.index, path: inner || '(record)' };
  const record = at.kind === 'node' ? b.nodes[at.index] : b.edges[at.index];
  const sameFile = [...b.nodes, ...b.edges].filter((r) => fileOf(r) === fileOf(record));
  return { file: fileOf(record), line: 2 + sameFile.indexOf(record), path: csvColumn(record, at.field) };
}

/** The CSV column holding a field: the id and end columns, or the property's (a partial date's part). */
function csvColumn(record: Node | Edge, field: Array<string | number>): string {
  const [first, name, part] = field;
  const special: Record<string, string> = { id: 'id:ID', from: ':START_ID', to: ':END_ID', type: ':TYPE' };
  if (first !== 'properties') return special[String(first)];
  const columns = csvColumnsOf(specsOf(record)).filter((c) => c.spec.name === name);
  const column = columns.find((c) => c.role.kind !== 'partialDate' || c.role.part === (typeof part === 'string' ? part : 'start'))!;
  return headerCell(column);
}

let cases = 0;
/** Writes the input in `format` into a fresh directory and imports it. */
async function importAs(format: Format, b: Bundle, options: { dryRun?: boolean; batchSize?: number; text?: (s: string) => string } = {}): Promise<ImportReport> {
  const dir = path.join(tempDir('claimgraph-integrity-'), `case-${cases++}`);
  mkdirSync(dir);
  const tweak = options.text ?? ((s: string) => s);
  if (format === 'csv') for (const [name, text] of Object.entries(asCsv(b))) writeFileSync(path.join(dir, name), tweak(text));
  else writeFileSync(path.join(dir, `bundle.${format}`), tweak(format === 'json' ? asJson(b) : asNdjson(b)));
  const source = await openImportSource(format === 'csv' ? dir : path.join(dir, `bundle.${format}`), model);
  return importRecords(h.db, model, source, { batchSize: options.batchSize ?? 2, dryRun: options.dryRun });
}

/** The import must be refused with a BundleValidationError; returns its issues. */
async function refusedImport(format: Format, b: Bundle, options: { dryRun?: boolean; text?: (s: string) => string }): Promise<BundleIssue[]> {
  let error: unknown;
  try {
    await importAs(format, b, options);
  } catch (e) {
    error = e;
  }
  expect(error, `${format}${options.dryRun ? ' (dry run)' : ''} was accepted`).toBeInstanceOf(BundleValidationError);
  return (error as BundleValidationError).issues;
}

interface MutationRefusal {
  query: string;
  variables?: Record<string, unknown>;
  /** The payload's field in data. */
  payload: string;
  field: string[];
  code: string;
  message?: RegExp;
}

interface Rule {
  name: string;
  bundle: () => Bundle;
  at: At;
  message: RegExp;
  formats?: Format[];
  text?: (s: string) => string;
  /** The same thing written by a mutation, refused in its userErrors. */
  mutation?: MutationRefusal;
}

const ERRORS = 'userErrors { field message code }';
const LINK = `mutation ($input: LinkInput!) { link(input: $input) { ${ERRORS} } }`;
const UPDATE_STATEMENT = `mutation ($input: UpdateStatementInput!) { updateStatement(input: $input) { ${ERRORS} } }`;

const RULES: Rule[] = [
  {
    name: 'a PART_OF loop made half by the input and half by the database (places)',
    bundle: () => ({ nodes: [place('place:loop-x')], edges: [edge('PART_OF', 'place:ukraine', 'place:loop-x'), edge('PART_OF', 'place:loop-x', 'place:kupyansk')] }),
    at: { kind: 'edge', index: 1, field: ['to'] },
    message: /^place:kupyansk is already part of place:loop-x: PART_OF would loop \(place:loop-x → place:kupyansk → place:kharkiv-province → place:ukraine → place:loop-x\)$/,
    mutation: { query: LINK, variables: { input: { type: 'PART_OF', from: 'place:ukraine', to: 'place:kupyansk' } }, payload: 'link', field: ['input', 'to'], code: 'CYCLE' },
  },
  {
    name: 'a PART_OF loop closed by one edge onto a stored chain (units)',
    bundle: () => ({ nodes: [], edges: [edge('PART_OF', 'unit:western-group-of-forces', 'unit:6th-combined-arms-army')] }),
    at: { kind: 'edge', index: 0, field: ['to'] },
    message: /unit:6th-combined-arms-army is already part of unit:western-group-of-forces: PART_OF would loop/,
    mutation: {
      query: LINK,
      variables: { input: { type: 'PART_OF', from: 'unit:western-group-of-forces', to: 'unit:6th-combined-arms-army' } },
      payload: 'link',
      field: ['input', 'to'],
      code: 'CYCLE',
    },
  },
  {
    name: 'a PART_OF loop all in the input',
    bundle: () => ({ nodes: [place('place:loop-a'), place('place:loop-b')], edges: [edge('PART_OF', 'place:loop-a', 'place:loop-b'), edge('PART_OF', 'place:loop-b', 'place:loop-a')] }),
    at: { kind: 'edge', index: 1, field: ['to'] },
    message: /place:loop-a is already part of place:loop-b: PART_OF would loop/,
  },
  {
    name: 'a PART_OF self-loop',
    bundle: () => ({ nodes: [], edges: [edge('PART_OF', 'place:kupyansk', 'place:kupyansk')] }),
    at: { kind: 'edge', index: 0, field: ['to'] },
    message: /cannot be linked to itself/,
    mutation: { query: LINK, variables: { input: { type: 'PART_OF', from: 'place:kupyansk', to: 'place:kupyansk' } }, payload: 'link', field: ['input', 'to'], code: 'INVALID' },
  },
  {
    name: 'a self-loop of another type (a source citing itself)',
    bundle: () => ({ nodes: [], edges: [edge('CITES', 'source:report-kupyansk', 'source:report-kupyansk')] }),
    at: { kind: 'edge', index: 0, field: ['to'] },
    message: /cannot be linked to itself/,
    mutation: { query: LINK, variables: { input: { type: 'CITES', from: 'source:report-kupyansk', to: 'source:report-kupyansk' } }, payload: 'link', field: ['input', 'to'], code: 'INVALID' },
  },
  {
    name: 'a relationship between the wrong labels',
    bundle: () => ({ nodes: [], edges: [edge('MADE_BY', STATEMENT, 'place:kupyansk')] }),
    at: { kind: 'edge', index: 0, field: ['to'] },
    message: /MADE_BY from a Statement points to an Actor or Unit, not a Place/,
    mutation: { query: LINK, variables: { input: { type: 'MADE_BY', from: STATEMENT, to: 'place:kupyansk' } }, payload: 'link', field: ['input', 'to'], code: 'WRONG_TYPE' },
  },
  {
    name: 'a second parent where the first is stored (a link would replace it; an import never unlinks)',
    bundle: () => ({ nodes: [], edges: [edge('PART_OF', 'place:kupyansk', 'place:ukraine')] }),
    at: { kind: 'edge', index: 0, field: ['to'] },
    message: /^place:kupyansk already has its parent \(PART_OF place:kharkiv-province\) in the database; it can have only one/,
  },
  {
    name: "a unit's second parent where the first is stored",
    bundle: () => ({ nodes: [], edges: [edge('PART_OF', 'unit:6th-combined-arms-army', 'unit:2nd-national-guard-corps')] }),
    at: { kind: 'edge', index: 0, field: ['to'] },
    message: /unit:6th-combined-arms-army already has its parent \(PART_OF unit:western-group-of-forces\) in the database/,
  },
  {
    name: 'a second parent in the input',
    bundle: () => ({ nodes: [place('place:twice')], edges: [edge('PART_OF', 'place:twice', 'place:kupyansk'), edge('PART_OF', 'place:twice', 'place:kharkiv')] }),
    at: { kind: 'edge', index: 1, field: ['to'] },
    message: /place:twice already has its parent \(PART_OF place:kupyansk\) in this input/,
  },
  {
    name: "a second speaker where the first is stored",
    bundle: () => ({ nodes: [], edges: [edge('MADE_BY', STATEMENT, 'actor:afp')] }),
    at: { kind: 'edge', index: 0, field: ['to'] },
    message: /already has its speaker \(MADE_BY actor:leonid-sharov\) in the database/,
  },
  {
    name: 'a statement without a speaker',
    bundle: () => ({ nodes: [newStatement('statement:no-speaker')], edges: [edge('REPORTED_IN', 'statement:no-speaker', 'source:report-kupyansk')] }),
    at: { kind: 'node', index: 0, field: ['id'] },
    message: /^statement:no-speaker has no speaker \(MADE_BY\): a statement must name its speaker/,
    mutation: { query: UPDATE_STATEMENT, variables: { input: { id: STATEMENT, set: { speakerId: null } } }, payload: 'updateStatement', field: ['input', 'set', 'speakerId'], code: 'REQUIRED' },
  },
  {
    name: 'a statement without a source',
    bundle: () => ({ nodes: [newStatement('statement:no-source')], edges: [edge('MADE_BY', 'statement:no-source', 'actor:afp')] }),
    at: { kind: 'node', index: 0, field: ['id'] },
    message: /^statement:no-source has no source \(REPORTED_IN\): a statement needs at least one source/,
    mutation: {
      query: `mutation { upsertStatement(input: {text: "No source.", kind: CONTROL, statedAt: {start: "2024-12-17", end: "2024-12-17", precision: DAY}, speakerId: "actor:afp", sources: []}) { ${ERRORS} } }`,
      payload: 'upsertStatement',
      field: ['input', 'sources'],
      code: 'REQUIRED',
    },
  },
  {
    name: 'validTo before validFrom',
    bundle: () => ({ nodes: [fromSample(STATEMENT, { validFrom: day('2024-12-10'), validTo: day('2024-12-01') })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'validTo'] },
    message: /must not end before validFrom starts/,
    mutation: {
      query: UPDATE_STATEMENT,
      variables: { input: { id: STATEMENT, set: { validFrom: day('2024-12-10'), validTo: day('2024-12-01') } } },
      payload: 'updateStatement',
      field: ['input', 'set', 'validTo'],
      code: 'INVALID',
    },
  },
  {
    name: 'an extent on a statement that is not a control claim',
    bundle: () => ({ nodes: [fromSample('statement:wgf-cemetery-assault-groups-2024-12-16', { extent: 'PARTIAL' })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'extent'] },
    message: /only a CONTROL statement has an extent; this one's kind is MOVEMENT/,
    mutation: {
      query: UPDATE_STATEMENT,
      variables: { input: { id: 'statement:wgf-cemetery-assault-groups-2024-12-16', set: { extent: 'PARTIAL' } } },
      payload: 'updateStatement',
      field: ['input', 'set', 'extent'],
      code: 'INVALID',
    },
  },
  {
    name: 'a control claim with an extent turned into another kind',
    bundle: () => ({ nodes: [fromSample(STATEMENT, { kind: 'ASSESSMENT', extent: 'FULL' })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'extent'] },
    message: /only a CONTROL statement has an extent; this one's kind is ASSESSMENT/,
    mutation: {
      // The stored extent (FULL, the sample's) stays unless cleared: changing the kind alone is refused.
      query: UPDATE_STATEMENT,
      variables: { input: { id: STATEMENT, set: { kind: 'ASSESSMENT' } } },
      payload: 'updateStatement',
      field: ['input', 'set', 'extent'],
      code: 'INVALID',
    },
  },
  {
    name: 'a contradiction on the aspect the pair already supports each other on',
    bundle: () => ({ nodes: [], edges: [edge('CONTRADICTS', 'statement:ru-kupyansk-captured-2024-11', STATEMENT, { aspect: 'OUTCOME' })] }),
    at: { kind: 'edge', index: 0, field: ['to'] },
    message: /SUPPORTS statement:ru-kupyansk-captured-2024-11 on OUTCOME in the database; one statement cannot both support and oppose another on the same aspect \(OUTCOME\)/,
    mutation: {
      query: `mutation { linkStatementStance(input: {fromStatementId: "statement:ru-kupyansk-captured-2024-11", toStatementId: "${STATEMENT}", stance: CONTRADICTS, aspect: OUTCOME}) { ${ERRORS} } }`,
      payload: 'linkStatementStance',
      field: ['input', 'aspect'],
      code: 'CONFLICT',
    },
  },
  {
    name: 'a membership ending before it starts',
    bundle: () => ({ nodes: [], edges: [edge('MEMBER_OF', 'actor:amk-mapping', 'actor:afp', { role: 'analyst', from: month('05'), to: month('01') })] }),
    at: { kind: 'edge', index: 0, field: ['properties', 'to'] },
    message: /must not end before from starts/,
    mutation: {
      query: `mutation { linkMembership(input: {memberId: "actor:amk-mapping", organisationId: "actor:afp", role: "analyst", from: {start: "2024-05-01", end: "2024-05-28", precision: MONTH}, to: {start: "2024-01-01", end: "2024-01-28", precision: MONTH}}) { ${ERRORS} } }`,
      payload: 'linkMembership',
      field: ['input', 'to'],
      code: 'INVALID',
    },
  },
  {
    name: "a quote whose offsets disagree with its length",
    bundle: () => ({ nodes: [], edges: [edge('REPORTED_IN', STATEMENT, 'source:afp-report-kupyansk-2024-12', { quote: 'abc', charStart: 0, charEnd: 5 })] }),
    at: { kind: 'edge', index: 0, field: ['properties', 'charEnd'] },
    message: /quote's length/,
    mutation: {
      query: `mutation { linkStatementSource(input: {statementId: "${STATEMENT}", sourceId: "source:afp-report-kupyansk-2024-12", quote: "abc", charStart: 0, charEnd: 5}) { ${ERRORS} } }`,
      payload: 'linkStatementSource',
      field: ['input', 'charEnd'],
      code: 'INVALID',
    },
  },
  {
    name: 'a URL that is not http or https',
    bundle: () => ({ nodes: [fromSample('source:report-kupyansk', { url: 'javascript:alert(1)' })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'url'] },
    message: /http or https/,
    mutation: {
      query: `mutation { updateSource(input: {id: "source:report-kupyansk", set: {url: "javascript:alert(1)"}}) { ${ERRORS} } }`,
      payload: 'updateSource',
      field: ['input', 'set', 'url'],
      code: 'INVALID',
    },
  },
  {
    name: "NUL in a partial date's raw",
    bundle: () => ({ nodes: [fromSample(STATEMENT, { statedAt: day('2024-12-16', 'yester\u0000day') })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'statedAt', 'raw'] },
    message: /control character.*U\+0000/,
    mutation: {
      query: UPDATE_STATEMENT,
      variables: { input: { id: STATEMENT, set: { statedAt: day('2024-12-16', 'yester\u0000day') } } },
      payload: 'updateStatement',
      field: ['input', 'set', 'statedAt', 'raw'],
      code: 'INVALID',
    },
  },
  {
    name: 'ESC in a description',
    bundle: () => ({ nodes: [fromSample('actor:afp', { description: '\u001b[31mred' })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'description'] },
    message: /control character.*U\+001B/,
    mutation: {
      query: `mutation ($d: String) { updateActor(input: {id: "actor:afp", set: {description: $d}}) { ${ERRORS} } }`,
      variables: { d: '\u001b[31mred' },
      payload: 'updateActor',
      field: ['input', 'set', 'description'],
      code: 'INVALID',
    },
  },
  {
    name: 'a lone surrogate in a note, escaped in JSON ("\\ud800")',
    bundle: () => ({ nodes: [fromSample(STATEMENT, { note: 'half \ud800 a character' })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'note'] },
    message: /lone surrogate U\+D800/,
    formats: ['json', 'ndjson'], // a CSV file is UTF-8 bytes, which cannot hold a lone surrogate (invalid UTF-8 is refused on its own)
    text: (s) => {
      expect(s).toContain('\\ud800'); // the file holds the escape, not a replacement character
      return s;
    },
    mutation: { query: UPDATE_STATEMENT, variables: { input: { id: STATEMENT, set: { note: 'half \ud800 a character' } } }, payload: 'updateStatement', field: ['input', 'set', 'note'], code: 'INVALID' },
  },
  {
    name: 'a name of only a zero-width space',
    bundle: () => ({ nodes: [fromSample('actor:afp', { name: '\u200b' })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'name'] },
    message: /no visible character/,
    mutation: {
      query: `mutation ($name: String!) { upsertActor(input: {kind: PERSON, name: $name}) { ${ERRORS} } }`,
      variables: { name: '\u200b' },
      payload: 'upsertActor',
      field: ['input', 'name'],
      code: 'INVALID',
    },
  },
  {
    name: 'a title of only joiners and a byte-order mark',
    bundle: () => ({ nodes: [fromSample('source:report-kupyansk', { title: '\u200c\u200d\ufeff\u2060' })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'title'] },
    message: /no visible character/,
    mutation: {
      query: `mutation ($t: String) { updateSource(input: {id: "source:report-kupyansk", set: {title: $t}}) { ${ERRORS} } }`,
      variables: { t: '\u200c\u200d\ufeff\u2060' },
      payload: 'updateSource',
      field: ['input', 'set', 'title'],
      code: 'INVALID',
    },
  },
  {
    name: 'an alias of only a byte-order mark',
    bundle: () => ({ nodes: [fromSample('place:kupyansk', { aliases: ['Kupiansk', '\ufeff'] })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'aliases', 1] },
    message: /no visible character/,
    mutation: {
      query: `mutation ($a: [String!]) { updatePlace(input: {id: "place:kupyansk", set: {aliases: $a}}) { ${ERRORS} } }`,
      variables: { a: ['Kupiansk', '\ufeff'] },
      payload: 'updatePlace',
      field: ['input', 'set', 'aliases', '1'],
      code: 'INVALID',
    },
  },
  {
    name: 'a membership role of blanks and a joiner',
    bundle: () => ({ nodes: [], edges: [edge('MEMBER_OF', 'actor:amk-mapping', 'actor:afp', { role: ' \u200d ' })] }),
    at: { kind: 'edge', index: 0, field: ['properties', 'role'] },
    message: /no visible character/,
    mutation: {
      query: `mutation ($role: String!) { linkMembership(input: {memberId: "actor:amk-mapping", organisationId: "actor:afp", role: $role}) { ${ERRORS} } }`,
      variables: { role: ' \u200d ' },
      payload: 'linkMembership',
      field: ['input', 'role'],
      code: 'INVALID',
    },
  },
  {
    name: 'a retraction reason with no visible character',
    bundle: () => ({ nodes: [fromSample(STATEMENT, { retractedAt: '2024-12-20T10:00:00Z', retractionReason: '\u2060' })], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', 'retractionReason'] },
    message: /no visible character/,
    mutation: {
      query: `mutation ($r: String!) { retractStatement(input: {id: "${STATEMENT}", reason: $r}) { ${ERRORS} } }`,
      variables: { r: '\u2060' },
      payload: 'retractStatement',
      field: ['input', 'reason'],
      code: 'INVALID',
    },
  },
  {
    name: 'a control character in a quote',
    bundle: () => ({ nodes: [], edges: [edge('REPORTED_IN', STATEMENT, 'source:afp-report-kupyansk-2024-12', { quote: 'full\u0007control' })] }),
    at: { kind: 'edge', index: 0, field: ['properties', 'quote'] },
    message: /control character.*U\+0007/,
    mutation: {
      query: `mutation ($q: String) { linkStatementSource(input: {statementId: "${STATEMENT}", sourceId: "source:afp-report-kupyansk-2024-12", quote: $q}) { ${ERRORS} } }`,
      variables: { q: 'full\u0007control' },
      payload: 'linkStatementSource',
      field: ['input', 'quote'],
      code: 'INVALID',
    },
  },
  {
    name: 'a C1 control character in who geolocated a source',
    bundle: () => ({ nodes: [], edges: [edge('GEOLOCATED_AT', 'source:ua-soldiers-video-2024-12-13', 'place:kupyansk', { by: 'next\u0085line' })] }),
    at: { kind: 'edge', index: 0, field: ['properties', 'by'] },
    message: /control character.*U\+0085/,
    mutation: {
      query: `mutation ($by: String) { linkGeolocation(input: {sourceId: "source:ua-soldiers-video-2024-12-13", placeId: "place:kupyansk", by: $by}) { ${ERRORS} } }`,
      variables: { by: 'next\u0085line' },
      payload: 'linkGeolocation',
      field: ['input', 'by'],
      code: 'INVALID',
    },
  },
  {
    name: 'a control character in a stance note, as link properties',
    bundle: () => ({ nodes: [], edges: [edge('DISPUTES', STATEMENT, 'statement:ngc2-recaptured-northern-districts-2024-w50', { note: 'see\u001b' })] }),
    at: { kind: 'edge', index: 0, field: ['properties', 'note'] },
    message: /control character/,
    mutation: {
      query: LINK,
      variables: { input: { type: 'DISPUTES', from: STATEMENT, to: 'statement:ngc2-recaptured-northern-districts-2024-w50', properties: { note: 'see\u001b' } } },
      payload: 'link',
      field: ['input', 'properties', 'note'],
      code: 'INVALID',
    },
  },
  {
    name: "a __proto__ key in a record's properties",
    bundle: () => ({ nodes: [{ ...fromSample('actor:afp'), properties: JSON.parse(`{"kind":"ORGANISATION","name":"AFP","__proto__":{"side":"UA"}}`) }], edges: [] }),
    at: { kind: 'node', index: 0, field: ['properties', '__proto__'] },
    message: /the key "__proto__" is not allowed/,
    formats: ['json', 'ndjson'], // CSV: see the header test below
    text: (s) => {
      expect(s).toContain('"__proto__":{"side":"UA"}');
      return s;
    },
    mutation: {
      query: LINK,
      variables: { input: { type: 'DISPUTES', from: STATEMENT, to: 'statement:ngc2-recaptured-northern-districts-2024-w50', properties: JSON.parse('{"__proto__":{"note":"x"}}') } },
      payload: 'link',
      field: ['input', 'properties', '__proto__'],
      code: 'INVALID',
    },
  },
  {
    name: 'a constructor key on a record',
    bundle: () => ({ nodes: [{ ...fromSample('actor:afp'), constructor: 'x' } as unknown as Node], edges: [] }),
    at: { kind: 'node', index: 0, field: ['constructor'] },
    message: /the key "constructor" is not allowed/,
    formats: ['json', 'ndjson'],
  },
  {
    name: "a prototype key in an edge's properties",
    bundle: () => ({ nodes: [], edges: [edge('ABOUT', STATEMENT, 'place:kharkiv', JSON.parse('{"role":"SUBJECT","prototype":1}'))] }),
    at: { kind: 'edge', index: 0, field: ['properties', 'prototype'] },
    message: /the key "prototype" is not allowed/,
    formats: ['json', 'ndjson'],
    mutation: {
      query: `mutation { link(input: {type: ABOUT, from: "${STATEMENT}", to: "place:kharkiv", properties: {role: "SUBJECT", prototype: 1}}) { ${ERRORS} } }`,
      payload: 'link',
      field: ['input', 'properties', 'prototype'],
      code: 'INVALID',
    },
  },
  {
    name: 'a number JSON reads as Infinity (1e400)',
    bundle: () => ({ nodes: [fromSample('place:kupyansk', { areaKm2: 12345.678 })], edges: [] }),
    text: (s) => s.replace('12345.678', '1e400'),
    at: { kind: 'node', index: 0, field: ['properties', 'areaKm2'] },
    message: /finite/,
    mutation: {
      query: `mutation { updatePlace(input: {id: "place:kupyansk", set: {areaKm2: 1e400}}) { ${ERRORS} } }`,
      payload: 'updatePlace',
      field: ['input', 'set', 'areaKm2'],
      code: 'INVALID',
    },
  },
];

describe.each(RULES)('$name', (rule) => {
  const formats = rule.formats ?? FORMATS;

  it(`the import refuses it (${formats.join(', ')}; dry run too), naming the record and field; nothing changes`, async () => {
    const before = await fingerprint(h.db);
    for (const format of formats) {
      for (const dryRun of [false, true]) {
        const b = rule.bundle();
        const issues = await refusedImport(format, b, { dryRun, text: rule.text });
        expect(issues, `${format}${dryRun ? ' dry run' : ''}: ${JSON.stringify(issues)}`).toContainEqual(
          expect.objectContaining({ ...expectedAt(format, b, rule.at), message: expect.stringMatching(rule.message) }),
        );
        expect(await fingerprint(h.db)).toBe(before);
      }
    }
  });

  if (rule.mutation) {
    const m = rule.mutation;
    it('the mutation refuses it in userErrors, naming the input field; nothing changes', async () => {
      const before = await fingerprint(h.db);
      const result = await h.run(m.query, m.variables);
      expect(result.errors).toBeUndefined();
      const payload = result.data[m.payload];
      expect(payload.userErrors).toContainEqual(expect.objectContaining({ field: m.field, code: m.code, ...(m.message ? { message: expect.stringMatching(m.message) } : {}) }));
      expect(await fingerprint(h.db)).toBe(before);
    });
  }
});

describe('what the rules accept', () => {
  it('a re-import of the sample changes nothing: no node, relationship or change-log entry', async () => {
    const before = await fingerprint(h.db);
    for (const dryRun of [true, false]) {
      const report = await importRecords(h.db, model, await openImportSource(fileURLToPath(SAMPLE_BUNDLE_PATH), model), { batchSize: 7, dryRun });
      expect(report).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0, nodes: sample.nodes.length, edges: sample.edges.length });
      expect(await fingerprint(h.db)).toBe(before);
    }
  });

  it('a statement stored with its speaker and sources, updated alone (no edges in the input)', async () => {
    const b = { nodes: [fromSample(STATEMENT, { note: 'Updated by an import that brings no edges.' })], edges: [] };
    const sources = sample.edges.filter((e) => e.type === 'REPORTED_IN' && e.from === STATEMENT).length;
    expect(sources).toBeGreaterThan(0);
    for (const format of FORMATS) expect(await importAs(format, b, { dryRun: true })).toMatchObject({ nodesUpdated: 0, nodes: 1 });
    expect(await importAs('ndjson', b)).toMatchObject({ nodesUpdated: 1 });
    const { statement } = await h.data(`{ statement(id: "${STATEMENT}") { note speaker { id } sources { totalCount } } }`);
    expect(statement).toEqual({ note: 'Updated by an import that brings no edges.', speaker: { id: 'actor:leonid-sharov' }, sources: { totalCount: sources } });
  });

  it.each(FORMATS)('%s: a statement whose only source comes in a later batch (validated whole, written per batch)', async (format) => {
    const id = `statement:late-source-${format}`;
    const b = { nodes: [newStatement(id)], edges: [edge('MADE_BY', id, 'actor:afp'), edge('REPORTED_IN', id, 'source:afp-report-kupyansk-2024-12', { quote: 'late' })] };
    const report = await importAs(format, b, { batchSize: 1 });
    expect(report).toMatchObject({ nodesCreated: 1, edgesCreated: 2, batches: 3 });
    const { statement } = await h.data(`{ statement(id: "${id}") { speaker { id } sources { edges { quote node { id } } } } }`);
    expect(statement).toEqual({ speaker: { id: 'actor:afp' }, sources: { edges: [{ quote: 'late', node: { id: 'source:afp-report-kupyansk-2024-12' } }] } });
  });

  it('a new chain of places under a stored one, and a re-import of it, are not loops', async () => {
    const b = { nodes: [place('place:chain-1'), place('place:chain-2')], edges: [edge('PART_OF', 'place:chain-2', 'place:chain-1'), edge('PART_OF', 'place:chain-1', 'place:kupyansk')] };
    expect(await importAs('json', b)).toMatchObject({ nodesCreated: 2, edgesCreated: 2 });
    const before = await fingerprint(h.db);
    expect(await importAs('json', b)).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 });
    expect(await fingerprint(h.db)).toBe(before);
  });
});

describe('deep hierarchies: the stored hierarchy is read level by level, every node once', () => {
  const DEPTH = 2000;
  const chain: Bundle = { nodes: [], edges: [] };
  for (let i = 0; i < DEPTH; i++) chain.nodes.push(place(`place:deep-${i}`));
  for (let i = 1; i < DEPTH; i++) chain.edges.push(edge('PART_OF', `place:deep-${i}`, `place:deep-${i - 1}`));
  /** Queries sent through the database's read path while `run` runs (the stored-data checks). */
  const reads = async (run: () => Promise<unknown>) => (await countQueries(h.db, run)).queries.length;

  it(`a chain ${DEPTH} deep is imported, and re-imported (dry run) with a handful of queries, not one per level or path`, async () => {
    expect(await importAs('ndjson', chain, { batchSize: 5000 })).toMatchObject({ nodesCreated: DEPTH, edgesCreated: DEPTH - 1 });
    const before = await fingerprint(h.db);
    const queries = await reads(() => importAs('ndjson', chain, { batchSize: 5000, dryRun: true }));
    expect(queries).toBeLessThanOrEqual(4);
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('the chain closed into a loop, in the input with it: refused at the closing edge', async () => {
    const before = await fingerprint(h.db);
    const closed = { nodes: chain.nodes, edges: [...chain.edges, edge('PART_OF', 'place:deep-0', `place:deep-${DEPTH - 1}`)] };
    const issues = await refusedImport('ndjson', closed, { dryRun: true });
    expect(issues).toEqual([
      expect.objectContaining({ line: 2 + DEPTH + DEPTH - 1, path: 'to', message: expect.stringMatching(new RegExp(`^place:deep-${DEPTH - 1} is already part of place:deep-0: PART_OF would loop \\(place:deep-0 → place:deep-${DEPTH - 1} → place:deep-${DEPTH - 2} → `)) }),
    ]);
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('the stored chain closed by one edge alone: refused; the walk up costs one query per level above, no more', async () => {
    const before = await fingerprint(h.db);
    const closing = { nodes: [], edges: [edge('PART_OF', 'place:deep-0', `place:deep-${DEPTH - 1}`)] };
    let issues: BundleIssue[] = [];
    const queries = await reads(async () => {
      issues = await refusedImport('json', closing, { dryRun: true });
    });
    expect(issues).toEqual([expect.objectContaining({ path: 'edges[0].to', message: expect.stringMatching(/PART_OF would loop/) })]);
    expect(queries).toBeLessThanOrEqual(DEPTH + 4);
    expect(await fingerprint(h.db)).toBe(before);
  });
});

describe('keys refused by name outside records', () => {
  it('JSON: a __proto__ field of the bundle itself', async () => {
    const before = await fingerprint(h.db);
    const dir = tempDir('claimgraph-integrity-top-');
    writeFileSync(path.join(dir, 'top.json'), `{"format":"claimgraph-bundle","version":1,\n"__proto__":{"nodes":[]},\n"nodes":[],"edges":[]}`);
    let error: unknown;
    try {
      await importRecords(h.db, model, await openImportSource(path.join(dir, 'top.json'), model));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BundleValidationError);
    expect((error as BundleValidationError).issues).toEqual([expect.objectContaining({ file: 'top.json', line: 2, path: '__proto__', message: expect.stringContaining('"__proto__" is not allowed') })]);
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('CSV: a __proto__ or constructor column', async () => {
    const before = await fingerprint(h.db);
    for (const key of ['__proto__', 'constructor']) {
      const dir = tempDir('claimgraph-integrity-csv-');
      writeFileSync(path.join(dir, 'nodes_Actor.csv'), `id:ID,:LABEL,kind,name,${key}\nactor:afp,Actor,"ORGANISATION","AFP","x"\n`);
      let error: unknown;
      try {
        await importRecords(h.db, model, await openImportSource(dir, model));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BundleValidationError);
      expect((error as BundleValidationError).issues).toEqual([expect.objectContaining({ file: 'nodes_Actor.csv', line: 1, path: key, message: expect.stringContaining(`"${key}" is not allowed`) })]);
    }
    expect(await fingerprint(h.db)).toBe(before);
  });
});

describe('over HTTP', () => {
  const base = () => server.url.replace(/\/graphql$/, '');

  it('POST /import: 400 BAD_USER_INPUT with file, line and path for each problem, dry run or not; nothing changes', async () => {
    const before = await fingerprint(h.db);
    const b: Bundle = {
      nodes: [{ ...fromSample('actor:afp'), properties: JSON.parse('{"kind":"ORGANISATION","name":"AFP","__proto__":{"side":"UA"}}') }],
      edges: [edge('PART_OF', 'place:ukraine', 'place:kupyansk')],
    };
    for (const query of ['', '?dryRun=true']) {
      const response = await fetch(`${base()}/import${query}`, { method: 'POST', headers: { ...server.headers, 'content-type': 'application/json' }, body: asJson(b) });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors).toEqual([
        { message: expect.stringMatching(/^body:2: nodes\[0\]\.properties\.__proto__: the key "__proto__" is not allowed/), extensions: { code: 'BAD_USER_INPUT', file: 'body', line: 2, path: 'nodes[0].properties.__proto__' } },
      ]);
      expect(await fingerprint(h.db)).toBe(before);
    }
    // Once the records are sound, the rules spanning them (here a loop through the database) are checked.
    const loop = { nodes: [], edges: [edge('PART_OF', 'place:ukraine', 'place:kupyansk')] };
    const response = await fetch(`${base()}/import?dryRun=true`, { method: 'POST', headers: { ...server.headers, 'content-type': 'application/x-ndjson' }, body: asNdjson(loop) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors).toEqual([{ message: expect.stringMatching(/PART_OF would loop/), extensions: { code: 'BAD_USER_INPUT', file: 'body', line: 2, path: 'to' } }]);
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('POST /graphql: an escaped lone surrogate in the JSON variables is refused, not stored as U+FFFD', async () => {
    const before = await fingerprint(h.db);
    const body = `{"query":"mutation ($n: String) { updateStatement(input: {id: \\"${STATEMENT}\\", set: {note: $n}}) { statement { note } userErrors { field code message } } }","variables":{"n":"x\\ud800y"}}`;
    const response = await fetch(`${base()}/graphql`, { method: 'POST', headers: { ...server.headers, 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { data: { updateStatement: { statement: unknown; userErrors: unknown[] } } };
    expect(json.data.updateStatement).toEqual({ statement: null, userErrors: [{ field: ['input', 'set', 'note'], code: 'INVALID', message: expect.stringMatching(/lone surrogate U\+D800/) }] });
    expect(await fingerprint(h.db)).toBe(before);
  });
});
