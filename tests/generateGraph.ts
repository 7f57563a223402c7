import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import type { GraphModel } from '../src/model/graphModel.js';
import { storedValues } from '../src/bundle/importBundle.js';
import { exportedValues } from '../src/export/exportValues.js';

/**
 * A deterministic generator of a large, varied claimgraph: every label, every relationship type, every
 * kind of property (partial dates with and without raw phrases and relative dates, points with and
 * without precision, floats with fractions, ints, lists in several scripts, strings with quotes, commas,
 * semicolons, line breaks, tabs and characters outside the BMP), optional properties left out at random.
 * The same seed always gives the same records, in the same order.
 */

export interface GeneratedCounts {
  nodes: number;
  edges: number;
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTOR_KINDS = ['PERSON', 'ORGANISATION', 'STATE', 'MEDIA_OUTLET', 'ONLINE_ACCOUNT', 'GROUP', 'OTHER'];
const PLACE_KINDS = ['CITY', 'DISTRICT', 'STREET', 'LANDMARK', 'POINT'];
const SOURCE_KINDS = ['ARTICLE', 'AGENCY_REPORT', 'PRESS_RELEASE', 'SOCIAL_POST', 'VIDEO', 'PHOTO', 'MAP', 'OTHER'];
const STATEMENT_KINDS = ['CONTROL', 'ATTACK', 'MOVEMENT', 'PRESENCE', 'CASUALTIES', 'ASSESSMENT', 'FORECAST', 'OTHER'];
const ECHELONS = ['ARMY_GROUP', 'ARMY', 'CORPS', 'DIVISION', 'BRIGADE', 'REGIMENT', 'BATTALION', 'COMPANY', 'GROUP', 'OTHER'];
const ROLES = ['SUBJECT', 'OBJECT', 'LOCATION'];
const SIDES = ['RU', 'UA', 'NEUTRAL', 'UNKNOWN'];
const WORDS = ['Kupiansk', 'Куп\'янськ', 'Купянск', 'Kharkiv', 'Харків', 'front', 'line', 'north', 'юг', 'village', 'Oskil', 'river', 'bridge', 'depot', 'height', '🛰️', 'O\'Brien', 'naïve', 'Straße'];
const TRICKY = ['a "quoted" word', 'comma, inside', 'semi;colon', 'line\nbreak', 'tab\there', 'back\\slash', 'windows\r\nline', '  padded  ', '{braces}', "it's", '<xml & amp>', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'];

/** Writes NDJSON records of a graph with `size` nodes to `file`; returns how many nodes and edges. */
export function generateGraphNdjson(file: string, size = 100_000, seed = 20241216): GeneratedCounts {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]) => list[int(list.length)];
  const chance = (p: number) => random() < p;
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const sentence = () => `${words(3 + int(6))}${chance(0.3) ? ` ${pick(TRICKY)}` : ''}`;
  const day = (offset: number) => new Date(Date.UTC(2022, 1, 24) + offset * 86_400_000).toISOString().slice(0, 10);
  const partialDate = () => {
    const start = int(1000);
    const precision = pick(['DAY', 'DAY', 'WEEK', 'MONTH', 'YEAR']);
    const span = precision === 'DAY' ? 0 : precision === 'WEEK' ? 6 : precision === 'MONTH' ? 29 : 364;
    const d: Record<string, string> = { start: day(start), end: day(start + span), precision };
    if (chance(0.4)) d.raw = pick(['last week', 'yesterday', `${day(start)}`, 'this month', 'in "early" spring; reportedly']);
    if (chance(0.15)) d.relativeTo = day(start + span + 1);
    return d;
  };

  // A span never ends before it starts (the write rules refuse that): swap the two dates drawn, so the
  // random sequence, and with it every other record, stays as it was.
  const inOrder = (props: Record<string, unknown>, from: string, to: string) => {
    const a = props[from] as { start: string } | undefined;
    const b = props[to] as { end: string } | undefined;
    if (a && b && b.end < a.start) [props[from], props[to]] = [b, a];
  };

  const fd = openSync(file, 'w');
  let buffer: string[] = [];
  const out = (record: object) => {
    buffer.push(JSON.stringify(record));
    if (buffer.length >= 5000) flush();
  };
  const flush = () => {
    if (buffer.length) writeSync(fd, `${buffer.join('\n')}\n`);
    buffer = [];
  };
  let nodes = 0;
  let edges = 0;
  const node = (label: string, id: string, properties: object) => {
    nodes++;
    out({ kind: 'node', label, id, properties });
  };
  const edge = (type: string, from: string, to: string, properties: object = {}) => {
    edges++;
    out({ kind: 'edge', type, from, to, properties });
  };

  writeSync(fd, '{"format":"claimgraph-ndjson","version":1}\n');
  const nPlaces = Math.round(size * 0.03);
  const nActors = Math.round(size * 0.03);
  const nUnits = Math.round(size * 0.01);
  const nSources = Math.round(size * 0.13);
  const nStatements = size - nPlaces - nActors - nUnits - nSources;
  const nProvinces = Math.max(2, Math.round(nPlaces / 30));

  for (let i = 0; i < nPlaces; i++) {
    const props: Record<string, unknown> = {
      kind: i === 0 ? 'COUNTRY' : i <= nProvinces ? 'PROVINCE' : pick(PLACE_KINDS),
      name: `${pick(WORDS)} ${i}`,
      aliases: Array.from({ length: int(4) }, (_, k) => `${pick(WORDS)}-${i}-${k}`),
    };
    if (chance(0.9)) props.location = { latitude: Math.round((44 + random() * 8) * 1e6) / 1e6, longitude: Math.round((22 + random() * 18) * 1e6) / 1e6 };
    if (props.location && chance(0.7)) props.locationPrecisionM = int(50_000);
    if (chance(0.3)) props.areaKm2 = Math.round(random() * 1e5) / 100;
    if (chance(0.2)) props.description = sentence();
    node('Place', `place:p${i}`, props);
  }
  for (let i = 0; i < nActors; i++) {
    const props: Record<string, unknown> = { kind: pick(ACTOR_KINDS), name: `${sentence()} ${i}`, aliases: chance(0.5) ? [] : [`${pick(WORDS)} ${i}`, `алиас ${i}`] };
    if (chance(0.8)) props.side = pick(SIDES);
    if (chance(0.3)) props.description = sentence();
    node('Actor', `actor:a${i}`, props);
  }
  for (let i = 0; i < nUnits; i++) {
    const props: Record<string, unknown> = { name: `${i}th ${pick(['Brigade', 'Corps', 'Group', 'Бригада'])}`, aliases: [`U${i}`], echelon: pick(ECHELONS) };
    if (chance(0.9)) props.side = pick(['RU', 'UA']);
    node('Unit', `unit:u${i}`, props);
  }
  for (let i = 0; i < nSources; i++) {
    const props: Record<string, unknown> = { kind: pick(SOURCE_KINDS), title: `${sentence()} #${i}` };
    if (chance(0.7)) props.url = `https://example.org/news/${i}?q=${int(1000)}&lang=en`;
    if (chance(0.8)) props.publishedAt = partialDate();
    if (chance(0.8)) props.language = pick(['en', 'ru', 'uk', 'de-AT', 'fr']);
    if (chance(0.5)) props.reliability = pick(['A', 'B', 'C', 'D', 'E', 'F']);
    if (chance(0.1)) props.description = sentence();
    node('Source', `source:s${i}`, props);
  }
  for (let i = 0; i < nStatements; i++) {
    const props: Record<string, unknown> = { text: `${sentence()} (${i})`, kind: pick(STATEMENT_KINDS), statedAt: partialDate() };
    if (chance(0.2)) props.validFrom = partialDate();
    if (chance(0.1)) props.validTo = partialDate();
    inOrder(props, 'validFrom', 'validTo');
    if (chance(0.5)) props.credibility = 1 + int(6);
    if (chance(0.1)) props.note = sentence();
    node('Statement', `statement:st${i}`, props);
  }

  // edges, after all nodes
  for (let i = 1; i < nPlaces; i++) edge('PART_OF', `place:p${i}`, i <= nProvinces ? 'place:p0' : `place:p${1 + int(Math.min(i - 1, nProvinces + 200))}`);
  for (let i = 1; i < nUnits; i++) if (chance(0.8)) edge('PART_OF', `unit:u${i}`, `unit:u${int(i)}`);
  for (let i = 0; i < nUnits; i++) if (chance(0.7)) edge('BELONGS_TO', `unit:u${i}`, `actor:a${int(nActors)}`);
  for (let i = 0; i < nActors; i++) {
    if (!chance(0.3)) continue;
    const toUnit = chance(0.5);
    const props: Record<string, unknown> = { role: pick(['head', 'member', 'spokesperson', 'press "service"']) };
    if (chance(0.5)) props.from = partialDate();
    if (chance(0.2)) props.to = partialDate();
    inOrder(props, 'from', 'to');
    edge('MEMBER_OF', `actor:a${i}`, toUnit ? `unit:u${int(nUnits)}` : `actor:a${(i + 1 + int(nActors - 1)) % nActors}`, props);
  }
  for (let i = 0; i < nSources; i++) {
    if (chance(0.8)) edge('PUBLISHED_BY', `source:s${i}`, `actor:a${int(nActors)}`);
    if (chance(0.3)) edge('AUTHORED_BY', `source:s${i}`, `actor:a${int(nActors)}`);
    if (i > 0 && chance(0.4)) edge('CITES', `source:s${i}`, `source:s${int(i)}`);
    if (chance(0.05)) {
      const props: Record<string, unknown> = {};
      if (chance(0.7)) props.by = sentence();
      if (chance(0.8)) props.offsetM = Math.round(random() * 1e6) / 100;
      if (chance(0.5)) props.bearing = Math.round(random() * 35999) / 100;
      edge('GEOLOCATED_AT', `source:s${i}`, `place:p${int(nPlaces)}`, props);
    }
  }
  for (let i = 0; i < nStatements; i++) {
    const id = `statement:st${i}`;
    edge('MADE_BY', id, `actor:a${int(nActors)}`);
    if (chance(0.2)) edge('ON_BEHALF_OF', id, chance(0.5) ? `unit:u${int(nUnits)}` : `actor:a${int(nActors)}`);
    const place = `place:p${int(nPlaces)}`;
    edge('ABOUT', id, place, { role: 'LOCATION' });
    if (chance(0.3)) edge('ABOUT', id, place, { role: pick(['SUBJECT', 'OBJECT']) });
    if (chance(0.2)) edge('ABOUT', id, chance(0.5) ? `unit:u${int(nUnits)}` : `actor:a${int(nActors)}`, { role: pick(ROLES) });
    const quote = chance(0.8) ? sentence() : undefined;
    const start = int(5000);
    edge('REPORTED_IN', id, `source:s${int(nSources)}`, quote === undefined ? {} : { quote, charStart: start, charEnd: start + quote.length });
    if (i > 0 && chance(0.08)) edge(pick(['CONTRADICTS', 'SUPPORTS', 'DISPUTES']), id, `statement:st${int(i)}`, chance(0.5) ? { note: sentence() } : {});
  }
  flush();
  writeSync(fd, `${JSON.stringify({ kind: 'end', nodes, edges })}\n`);
  closeSync(fd);
  return { nodes, edges };
}

/**
 * The same graph as generateGraphNdjson, written as claimgraph's own NDJSON export of it would be: records
 * in export order (nodes by label then id, edges by type, from, to and key) and properties in their
 * canonical form. Importing this file and exporting the whole graph as NDJSON must give it back byte for
 * byte, so the import of the generated graph is itself a round trip. Holds the records in memory (a test
 * helper, not the exporter).
 */
export function generateCanonicalNdjson(file: string, model: GraphModel, size = 100_000, seed = 20241216): GeneratedCounts {
  const raw = `${file}.raw`;
  const counts = generateGraphNdjson(raw, size, seed);
  const nodes: Array<{ key: string; line: string }> = [];
  const edges: Array<{ key: string; line: string }> = [];
  const cmp = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  for (const text of readFileSync(raw, 'utf8').split('\n')) {
    if (!text) continue;
    const r = JSON.parse(text);
    if (r.kind === 'node') {
      const specs = model.nodes.get(r.label)!.properties;
      const properties = exportedValues(specs, storedValues(specs, r.properties));
      nodes.push({ key: `${r.label}\u0000${r.id}`, line: JSON.stringify({ kind: 'node', label: r.label, id: r.id, properties }) });
    } else if (r.kind === 'edge') {
      const edgeModel = model.edges.get(r.type)!;
      const properties = exportedValues(edgeModel.properties, storedValues(edgeModel.properties, r.properties));
      const key = edgeModel.key ? String(properties[edgeModel.key] ?? '') : '';
      edges.push({ key: `${r.type}\u0000${r.from}\u0000${r.to}\u0000${key}`, line: JSON.stringify({ kind: 'edge', type: r.type, from: r.from, to: r.to, properties }) });
    }
  }
  unlinkSync(raw);
  nodes.sort(cmp);
  edges.sort(cmp);
  const fd = openSync(file, 'w');
  writeSync(fd, '{"format":"claimgraph-ndjson","version":1}\n');
  for (const list of [nodes, edges]) for (let i = 0; i < list.length; i += 5000) writeSync(fd, `${list.slice(i, i + 5000).map((r) => r.line).join('\n')}\n`);
  writeSync(fd, `${JSON.stringify({ kind: 'end', nodes: nodes.length, edges: edges.length })}\n`);
  closeSync(fd);
  return counts;
}
