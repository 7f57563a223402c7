import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * The benchmark's graph, shaped like reporting on a front: a country, its provinces, their cities and
 * districts; one city that a tenth of all claims are about (the dense place) and many places with tens of
 * claims each (typical places); speakers and outlets; sources that cite one another in relay chains;
 * stance edges between claims. Written as claimgraph NDJSON, deterministic for a seed, so the same file is
 * imported by claimgraph and by the hand-written UNWIND script.
 */

export interface BenchGraph {
  nodes: number;
  edges: number;
  statements: number;
  /** The place a tenth of the statements are about, and a place with tens of them. */
  densePlace: string;
  typicalPlace: string;
  /** A statement in the middle of the list, and an actor who speaks often. */
  someStatement: string;
  province: string;
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

const KINDS = ['CONTROL', 'ATTACK', 'MOVEMENT', 'PRESENCE', 'CASUALTIES', 'ASSESSMENT', 'FORECAST', 'OTHER'];
const WORDS = ['Kupiansk', 'Kharkiv', 'Oskil', 'river', 'bridge', 'depot', 'height', 'village', 'north', 'south', 'assault', 'group', 'brigade', 'drone', 'artillery', 'control', 'district', 'street', 'cemetery', 'station'];
const pad = (i: number, width = 6) => String(i).padStart(width, '0');

export function writeBenchGraph(file: string, statements = 100_000, seed = 20241216): BenchGraph {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const chance = (p: number) => random() < p;
  const words = (n: number) => Array.from({ length: n }, () => WORDS[int(WORDS.length)]).join(' ');
  const day = (offset: number) => new Date(Date.UTC(2022, 1, 24) + offset * 86_400_000).toISOString().slice(0, 10);

  const fd = openSync(file, 'w');
  let buffer: string[] = [];
  let nodes = 0;
  let edges = 0;
  const flush = () => {
    if (buffer.length) writeSync(fd, `${buffer.join('\n')}\n`);
    buffer = [];
  };
  const out = (record: object) => {
    buffer.push(JSON.stringify(record));
    if (buffer.length >= 10_000) flush();
  };
  const node = (label: string, id: string, properties: object) => {
    nodes++;
    out({ kind: 'node', label, id, properties });
  };
  const edge = (type: string, from: string, to: string, properties: object = {}) => {
    edges++;
    out({ kind: 'edge', type, from, to, properties });
  };
  writeSync(fd, '{"format":"claimgraph-ndjson","version":1}\n');

  // Places: 1 country, 24 provinces, 20 cities each, 3 districts per city.
  const places: string[] = [];
  const place = (id: string, kind: string, name: string, parent: string | null) => {
    node('Place', id, {
      kind,
      name,
      aliases: [`${name} (alt)`],
      location: { latitude: Math.round((47 + random() * 5) * 1e5) / 1e5, longitude: Math.round((30 + random() * 8) * 1e5) / 1e5 },
    });
    if (parent) edge('PART_OF', id, parent);
    places.push(id);
  };
  place('place:country', 'COUNTRY', 'Country', null);
  for (let p = 0; p < 24; p++) {
    const province = `place:province-${pad(p, 2)}`;
    place(province, 'PROVINCE', `Province ${p}`, 'place:country');
    for (let c = 0; c < 20; c++) {
      const city = `place:city-${pad(p, 2)}-${pad(c, 2)}`;
      place(city, 'CITY', `City ${p}-${c}`, province);
      for (let d = 0; d < 3; d++) place(`place:district-${pad(p, 2)}-${pad(c, 2)}-${d}`, 'DISTRICT', `District ${p}-${c}-${d}`, city);
    }
  }
  const densePlace = 'place:city-05-07';
  const typicalPlace = 'place:district-11-03-1';

  // Actors: speakers and outlets.
  const nSpeakers = Math.max(50, Math.round(statements / 60));
  const nOutlets = Math.max(20, Math.round(statements / 250));
  for (let a = 0; a < nSpeakers; a++) node('Actor', `actor:speaker-${pad(a, 5)}`, { kind: chance(0.7) ? 'PERSON' : 'ORGANISATION', name: `Speaker ${a}`, aliases: [], side: chance(0.5) ? 'RU' : 'UA' });
  for (let o = 0; o < nOutlets; o++) node('Actor', `actor:outlet-${pad(o, 4)}`, { kind: 'MEDIA_OUTLET', name: `Outlet ${o}`, aliases: [], side: chance(0.3) ? 'NEUTRAL' : chance(0.5) ? 'RU' : 'UA' });

  // Units in a hierarchy.
  const nUnits = Math.max(30, Math.round(statements / 300));
  for (let u = 0; u < nUnits; u++) {
    node('Unit', `unit:u-${pad(u, 4)}`, { name: `${u}th Brigade`, aliases: [], echelon: u < 10 ? 'ARMY' : 'BRIGADE', side: u % 2 ? 'RU' : 'UA' });
    if (u >= 10) edge('PART_OF', `unit:u-${pad(u, 4)}`, `unit:u-${pad(u % 10, 4)}`);
  }

  // Sources, published by outlets; a third cite an earlier one (relay chains).
  const nSources = Math.round(statements / 5);
  for (let s = 0; s < nSources; s++) {
    const start = int(1000);
    node('Source', `source:s-${pad(s)}`, {
      kind: chance(0.6) ? 'ARTICLE' : 'AGENCY_REPORT',
      title: `${words(4)} ${s}`,
      url: `https://example.org/${s}`,
      publishedAt: { start: day(start), end: day(start), precision: 'DAY' },
      language: 'en',
    });
    edge('PUBLISHED_BY', `source:s-${pad(s)}`, `actor:outlet-${pad(int(nOutlets), 4)}`);
    if (s > 0 && chance(0.35)) edge('CITES', `source:s-${pad(s)}`, `source:s-${pad(int(s))}`);
  }

  // Statements: a speaker, 1–3 sources, a place (a tenth the dense one), sometimes a unit; stances.
  for (let i = 0; i < statements; i++) {
    const id = `statement:st-${pad(i, 7)}`;
    const start = int(1000);
    const precision = chance(0.7) ? 'DAY' : chance(0.5) ? 'WEEK' : 'MONTH';
    const span = precision === 'DAY' ? 0 : precision === 'WEEK' ? 6 : 29;
    const props: Record<string, unknown> = {
      text: `${words(8)} (${i})`,
      kind: KINDS[int(KINDS.length)],
      statedAt: { start: day(start), end: day(start + span), precision },
    };
    if (chance(0.5)) props.credibility = 1 + int(6);
    node('Statement', id, props);
    edge('MADE_BY', id, `actor:speaker-${pad(int(nSpeakers), 5)}`);
    const nSrc = 1 + int(3);
    const used = new Set<number>();
    for (let k = 0; k < nSrc; k++) {
      const s = int(nSources);
      if (used.has(s)) continue;
      used.add(s);
      const quote = words(5);
      edge('REPORTED_IN', id, `source:s-${pad(s)}`, { quote, charStart: 10, charEnd: 10 + quote.length });
    }
    const where = i % 9 === 0 ? densePlace : places[1 + int(places.length - 1)];
    edge('ABOUT', id, where, { role: 'LOCATION' });
    if (chance(0.15)) edge('ABOUT', id, where, { role: 'OBJECT' });
    if (chance(0.3)) edge('ABOUT', id, `unit:u-${pad(int(nUnits), 4)}`, { role: 'SUBJECT' });
    if (i > 0 && chance(0.1)) edge(['CONTRADICTS', 'SUPPORTS', 'DISPUTES'][int(3)], id, `statement:st-${pad(int(i), 7)}`, { note: words(3) });
  }
  flush();
  writeSync(fd, `${JSON.stringify({ kind: 'end', nodes, edges })}\n`);
  closeSync(fd);
  return { nodes, edges, statements, densePlace, typicalPlace, someStatement: `statement:st-${pad(Math.floor(statements / 2), 7)}`, province: 'place:province-05' };
}
