import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectTestDatabase, model, resetToSample } from '../harness.js';
import type { Database } from '../../src/neo4j/database.js';
import { BundleValidationError, type BundleIssue } from '../../src/bundle/bundleSchema.js';
import { MAX_STRING_LENGTH } from '../../src/validation/textRules.js';
import { importRecords } from '../../src/bundle/importBundle.js';
import { openImportSource } from '../../src/bundle/importSources.js';
import { exportCsv, exportString, graphCounts, tempDir } from '../exchange.js';

/**
 * Bad input, file by file: each import is refused before its first write with problems that name the file,
 * the line and the field, and the database (with its change log) is exactly as it was.
 */

let db: Database;
let json: string;
let ndjson: string;
let csv: Record<string, string>;
let before: Record<string, number>;
const dir = tempDir('claimgraph-bad-');

beforeAll(async () => {
  db = connectTestDatabase();
  await resetToSample(db);
  json = await exportString(db, model, 'json');
  ndjson = await exportString(db, model, 'ndjson');
  csv = (await exportCsv(db, model)).files;
  before = await graphCounts(db);
});
afterAll(() => db.close());

let n = 0;
/** Writes `files` into a fresh directory and imports the one named first (or the directory, for CSV). */
async function refused(files: Record<string, string | Buffer>, target?: string): Promise<BundleIssue[]> {
  const sub = path.join(dir, `case-${n++}`);
  mkdirSync(sub);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(sub, name), content);
  const where = path.join(sub, target ?? Object.keys(files)[0]);
  let error: unknown;
  try {
    await importRecords(db, model, await openImportSource(target === '.' ? sub : where, model), { batchSize: 7 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BundleValidationError);
  // nothing written, nothing logged
  expect(await graphCounts(db)).toEqual(before);
  return (error as BundleValidationError).issues;
}

const lines = (text: string) => text.split('\n');
const setLine = (text: string, index: number, value: string) => lines(text).map((l, i) => (i === index ? value : l)).join('\n');
/** The 1-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string) => lines(text).findIndex((l) => l.includes(needle)) + 1;

describe('JSON', () => {
  it('truncated: says the input ends early, and where', async () => {
    const cut = json.slice(0, Math.floor(json.length / 2));
    const issues = await refused({ 'cut.json': cut });
    expect(issues[0].file).toBe('cut.json');
    expect(issues[0].line).toBeGreaterThanOrEqual(lines(cut).length - 1);
    expect(issues[0].message).toMatch(/end|truncated|unexpected/i);
  });

  it('an unknown label: the line of the node and the label field', async () => {
    const line = lineOf(json, '"id":"place:kupyansk"');
    const issues = await refused({ 'label.json': json.replace('{"label":"Place","id":"place:kupyansk"', '{"label":"Weapon","id":"place:kupyansk"') });
    expect(issues).toContainEqual(expect.objectContaining({ file: 'label.json', line, path: expect.stringMatching(/^nodes\[\d+\]\.label$/), message: expect.stringMatching(/unknown label/) }));
  });

  it('an unknown edge type', async () => {
    const first = lines(json).find((l) => l.includes('"type":"ABOUT"'))!;
    const issues = await refused({ 'type.json': json.replace(first, first.replace('"type":"ABOUT"', '"type":"BOMBED"')) });
    expect(issues).toContainEqual(expect.objectContaining({ file: 'type.json', line: lineOf(json, first), path: expect.stringMatching(/^edges\[\d+\]\.type$/), message: expect.stringMatching(/unknown edge type BOMBED/) }));
  });

  it('an edge whose endpoint exists neither in the input nor in the database', async () => {
    const first = lines(json).find((l) => l.includes('"type":"ABOUT"') && l.includes('"to":"place:kupyansk"'))!;
    const issues = await refused({ 'dangling.json': json.replace(first, first.replace('"to":"place:kupyansk"', '"to":"place:atlantis"')) });
    expect(issues).toEqual([expect.objectContaining({ file: 'dangling.json', line: lineOf(json, first), path: expect.stringMatching(/^edges\[\d+\]\.to$/), message: expect.stringMatching(/place:atlantis is neither in the input nor in the database/) })]);
  });

  it('a duplicate id with conflicting properties: the second one is named', async () => {
    const line = lines(json).find((l) => l.includes('"id":"place:kupyansk"'))!;
    const text = json.replace(line, `${line}\n${line.replace(/"name":"[^"]*"/, '"name":"Not Kupyansk"').replace(/,?$/, ',')}`);
    const issues = await refused({ 'dup.json': text });
    expect(issues).toEqual([expect.objectContaining({ file: 'dup.json', line: lineOf(json, '"id":"place:kupyansk"') + 1, message: 'duplicate id place:kupyansk with different properties' })]);
  });

  it(`a 10 MB string: refused by length, named by line and field`, async () => {
    const line = lineOf(json, '"id":"place:kupyansk"');
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const text = json.replace('"name":"Kupyansk"', `"name":"${huge}"`);
    expect(text.length).toBeGreaterThan(json.length);
    const issues = await refused({ 'huge.json': text });
    expect(issues[0]).toMatchObject({ file: 'huge.json', line });
    expect(issues[0].message).toMatch(new RegExp(`${MAX_STRING_LENGTH}|larger|given twice`));
  });

  it('invalid UTF-8: the line and the field', async () => {
    const line = lineOf(json, '"id":"place:kupyansk"');
    const [head, tail] = json.split('"name":"Kupyansk"');
    const bytes = Buffer.concat([Buffer.from(`${head}"name":"Kup`), Buffer.from([0xff, 0xfe]), Buffer.from(`yansk"${tail}`)]);
    const issues = await refused({ 'utf8.json': bytes });
    expect(issues[0]).toMatchObject({ file: 'utf8.json', line, message: expect.stringMatching(/invalid UTF-8/) });
    expect(issues[0].path).toMatch(/name/);
  });
});

describe('the rules mutations follow, in an edited export', () => {
  it('JSON: a PART_OF turned round is a loop through what is stored, and a second parent: each at its line', async () => {
    const line = lines(json).find((l) => l.includes('"type":"PART_OF","from":"place:kupyansk","to":"place:kharkiv-province"'))!;
    const turned = line.replace('"from":"place:kupyansk","to":"place:kharkiv-province"', '"from":"place:kharkiv-province","to":"place:kupyansk"');
    const issues = await refused({ 'turned.json': json.replace(line, turned) });
    const at = { file: 'turned.json', line: lineOf(json, line), path: expect.stringMatching(/^edges\[\d+\]\.to$/) };
    expect(issues).toContainEqual(expect.objectContaining({ ...at, message: expect.stringMatching(/^place:kupyansk is already part of place:kharkiv-province: PART_OF would loop/) }));
    expect(issues).toContainEqual(expect.objectContaining({ ...at, message: expect.stringMatching(/place:kharkiv-province already has its parent \(PART_OF place:ukraine\) in this input/) }));
  });

  it('NDJSON: a new statement without speaker or source is named at its line; a control character in a name too', async () => {
    // the end line's counts would no longer match: leave it out (it is optional)
    const all = lines(ndjson).filter((l) => !l.startsWith('{"kind":"end"'));
    const statement = JSON.stringify({ kind: 'node', label: 'Statement', id: 'statement:unsourced', properties: { text: 'Unsourced.', kind: 'OTHER', statedAt: { start: '2024-12-01', end: '2024-12-01', precision: 'DAY' } } });
    const text = [...all.slice(0, 2), statement, ...all.slice(2)].join('\n').replace('"name":"Kupyansk"', '"name":"Kupyansk\\u001b"');
    const issues = await refused({ 'unsourced.ndjson': text });
    // the record rules come first: nothing spanning records is looked at while a record is wrong
    expect(issues).toEqual([expect.objectContaining({ file: 'unsourced.ndjson', line: lineOf(text, '"id":"place:kupyansk"'), path: 'properties.name', message: expect.stringMatching(/control character.*U\+001B/) })]);
    const again = await refused({ 'unsourced.ndjson': text.replace('"name":"Kupyansk\\u001b"', '"name":"Kupyansk"') });
    expect(again).toEqual([
      expect.objectContaining({ file: 'unsourced.ndjson', line: 3, path: 'id', message: expect.stringMatching(/^statement:unsourced has no speaker \(MADE_BY\)/) }),
      expect.objectContaining({ file: 'unsourced.ndjson', line: 3, path: 'id', message: expect.stringMatching(/^statement:unsourced has no source \(REPORTED_IN\)/) }),
    ]);
  });
});

describe('NDJSON', () => {
  it('cut short mid-line (bytes lost at the end): the last line is named', async () => {
    const cut = ndjson.slice(0, Math.floor(ndjson.length / 2));
    const issues = await refused({ 'cut.ndjson': cut });
    expect(issues[0]).toMatchObject({ file: 'cut.ndjson', line: lines(cut).length, message: expect.stringMatching(/invalid JSON/) });
  });

  it('records lost before the end line: the end line says how many were promised', async () => {
    const all = lines(ndjson);
    const text = [...all.slice(0, 10), ...all.slice(-2)].join('\n');
    const issues = await refused({ 'lost.ndjson': text });
    expect(issues[0]).toMatchObject({ file: 'lost.ndjson', line: 11, path: 'kind', message: expect.stringMatching(/promises \d+ nodes.*truncated/) });
  });

  it('a line cut mid-record', async () => {
    const text = setLine(ndjson, 5, lines(ndjson)[5].slice(0, 30));
    const issues = await refused({ 'mid.ndjson': text });
    expect(issues[0]).toMatchObject({ file: 'mid.ndjson', line: 6, message: expect.stringMatching(/invalid JSON/) });
  });

  it('an unknown property and a bad date, each on its own line', async () => {
    const statement = lineOf(ndjson, '"label":"Statement"');
    let text = setLine(ndjson, 2, lines(ndjson)[2].replace('"properties":{', '"properties":{"colour":"red",'));
    text = setLine(text, statement - 1, lines(text)[statement - 1].replace(/"statedAt":\{"start":"\d{4}-\d{2}-\d{2}"/, '"statedAt":{"start":"2024-02-30"'));
    const issues = await refused({ 'props.ndjson': text });
    expect(issues).toContainEqual(expect.objectContaining({ line: 3, path: 'properties', message: expect.stringMatching(/colour/) }));
    expect(issues).toContainEqual(expect.objectContaining({ line: statement, path: 'properties.statedAt.start', message: 'is not a calendar date' }));
  });
});

describe('CSV', () => {
  const withFile = (name: string, content: string) => ({ ...csv, [name]: content });

  it('bad quoting: the file and line', async () => {
    const places = csv['nodes_Place.csv'];
    const issues = await refused(withFile('nodes_Place.csv', setLine(places, 3, lines(places)[3].replace(',"', ',"un"terminated'))), '.');
    expect(issues[0]).toMatchObject({ file: 'nodes_Place.csv', line: 4 });
    expect(issues[0].message).toMatch(/quote/i);
  });

  it('a wrong header: an unknown column is named', async () => {
    const places = csv['nodes_Place.csv'];
    const issues = await refused(withFile('nodes_Place.csv', setLine(places, 0, `${lines(places)[0]},colour`)), '.');
    expect(issues).toContainEqual(expect.objectContaining({ file: 'nodes_Place.csv', line: 1, path: 'colour' }));
  });

  it('a header without the id column', async () => {
    const actors = csv['nodes_Actor.csv'];
    const issues = await refused(withFile('nodes_Actor.csv', setLine(actors, 0, lines(actors)[0].replace('id:ID', 'ident'))), '.');
    expect(issues[0]).toMatchObject({ file: 'nodes_Actor.csv', line: 1 });
  });

  it('an unknown label in :LABEL', async () => {
    const actors = csv['nodes_Actor.csv'];
    const issues = await refused(withFile('nodes_Actor.csv', setLine(actors, 2, lines(actors)[2].replace(',Actor,', ',Weapon,'))), '.');
    expect(issues).toContainEqual(expect.objectContaining({ file: 'nodes_Actor.csv', line: 3, message: expect.stringMatching(/label/i) }));
  });

  it('an unknown relationship type in :TYPE', async () => {
    const rels = csv['relationships_CITES.csv'];
    const issues = await refused(withFile('relationships_CITES.csv', setLine(rels, 1, lines(rels)[1].replace(',CITES', ',QUOTES'))), '.');
    expect(issues).toContainEqual(expect.objectContaining({ file: 'relationships_CITES.csv', line: 2, message: expect.stringMatching(/QUOTES/) }));
  });

  it('a relationship to a node that does not exist', async () => {
    const rels = csv['relationships_CITES.csv'];
    const [, to] = lines(rels)[1].split(',');
    const issues = await refused(withFile('relationships_CITES.csv', setLine(rels, 1, lines(rels)[1].replace(`,${to},`, ',source:nowhere,'))), '.');
    expect(issues).toEqual([expect.objectContaining({ file: 'relationships_CITES.csv', line: 2, path: ':END_ID', message: expect.stringMatching(/source:nowhere/) })]);
  });

  it('invalid UTF-8 in a cell', async () => {
    const places = csv['nodes_Place.csv'];
    const row = lines(places)[2];
    const bytes = Buffer.concat([Buffer.from(`${lines(places).slice(0, 2).join('\n')}\n${row.slice(0, row.indexOf(',"') + 3)}`), Buffer.from([0xc3, 0x28]), Buffer.from(`${row.slice(row.indexOf(',"') + 3)}\n${lines(places).slice(3).join('\n')}`)]);
    const issues = await refused({ ...csv, 'nodes_Place.csv': bytes }, '.');
    expect(issues[0]).toMatchObject({ file: 'nodes_Place.csv', line: 3, message: expect.stringMatching(/invalid UTF-8/) });
  });
});

it('(control) the unchanged exports import cleanly and change nothing', async () => {
  const sub = path.join(dir, 'ok');
  mkdirSync(sub);
  writeFileSync(path.join(sub, 'ok.json'), json);
  const report = await importRecords(db, model, await openImportSource(path.join(sub, 'ok.json'), model));
  expect(report).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 });
  expect(await graphCounts(db)).toEqual(before);
});
