import type { Database } from '../src/neo4j/database.js';
import { migrate } from '../src/neo4j/migrations.js';
import { importBundle } from '../src/bundle/importBundle.js';
import { MARKINGS, type Marking, type Principal } from '../src/auth/principal.js';
import { model } from './harness.js';

/**
 * A small graph with statements and sources at every level that matters, for the marking tests. Read it
 * as a story: Alpha (UA) claims the bridge at Northtown is held; the claim is reported in a CLEAR article
 * that cites a RED wire relay that cites a CLEAR ministry bulletin (a relay chain with a RED source in the
 * middle). Bravo (RU) contradicts it in a RED statement and disputes it in an AMBER assessment; a CLEAR
 * rebuttal by Bravo overlaps it in time (rival sides: contested without a stance edge). A neutral observer
 * supports it in a GREEN report, and quotes an AMBER partner report in a CLEAR statement.
 *
 *   statement                 marking  speaker   day         sources
 *   statement:clear-claim     CLEAR    alpha     2024-12-10  clear-article, red-relay, clear-origin
 *   statement:clear-rebuttal  CLEAR    bravo     2024-12-10  clear-article
 *   statement:red-denial      RED      bravo     2024-12-11  red-intercept          CONTRADICTS clear-claim
 *   statement:green-report    GREEN    observer  2024-12-12  green-bulletin         SUPPORTS clear-claim
 *   statement:amber-assess    AMBER    bravo     2024-12-13  amber-partner          DISPUTES clear-claim
 *   statement:clear-quote     CLEAR    observer  2024-12-14  clear-article, amber-partner (quoted)
 *
 * Every statement is ABOUT place:northtown (amber-assess also about place:old-bridge inside it).
 * Sources: clear-article -CITES-> red-relay -CITES-> clear-origin; clear-article PUBLISHED_BY daily,
 * red-relay by wire, clear-origin by ministry, amber-partner by partner; the rest have no publisher.
 */

const day = (d: string) => ({ start: d, end: d, precision: 'DAY' });

const statement = (id: string, marking: Marking, text: string, stated: string) => ({
  label: 'Statement',
  id,
  properties: { text, kind: 'CONTROL', statedAt: day(stated), ...(marking === 'CLEAR' ? {} : { marking }) },
});
const source = (id: string, marking: Marking, title: string) => ({
  label: 'Source',
  id,
  properties: { kind: 'ARTICLE', title, ...(marking === 'CLEAR' ? {} : { marking }) },
});
const actor = (id: string, name: string, side?: string) => ({
  label: 'Actor',
  id,
  properties: { kind: side ? 'ORGANISATION' : 'MEDIA_OUTLET', name, ...(side ? { side } : {}) },
});
const edge = (type: string, from: string, to: string, properties: Record<string, unknown> = {}) => ({ type, from, to, properties });

export const S = {
  clearClaim: 'statement:clear-claim',
  clearRebuttal: 'statement:clear-rebuttal',
  redDenial: 'statement:red-denial',
  greenReport: 'statement:green-report',
  amberAssess: 'statement:amber-assess',
  clearQuote: 'statement:clear-quote',
} as const;

export const SRC = {
  clearArticle: 'source:clear-article',
  redRelay: 'source:red-relay',
  clearOrigin: 'source:clear-origin',
  redIntercept: 'source:red-intercept',
  greenBulletin: 'source:green-bulletin',
  amberPartner: 'source:amber-partner',
} as const;

export const A = {
  alpha: 'actor:alpha',
  bravo: 'actor:bravo',
  observer: 'actor:observer',
  daily: 'actor:daily',
  wire: 'actor:wire',
  ministry: 'actor:ministry',
  partner: 'actor:partner',
} as const;

export const P = { northtown: 'place:northtown', oldBridge: 'place:old-bridge' } as const;

/** The marking of every statement and source of the fixture. */
export const MARKED: Record<string, Marking> = {
  [S.clearClaim]: 'CLEAR',
  [S.clearRebuttal]: 'CLEAR',
  [S.redDenial]: 'RED',
  [S.greenReport]: 'GREEN',
  [S.amberAssess]: 'AMBER',
  [S.clearQuote]: 'CLEAR',
  [SRC.clearArticle]: 'CLEAR',
  [SRC.redRelay]: 'RED',
  [SRC.clearOrigin]: 'CLEAR',
  [SRC.redIntercept]: 'RED',
  [SRC.greenBulletin]: 'GREEN',
  [SRC.amberPartner]: 'AMBER',
};

export const markingFixture = {
  format: 'claimgraph-bundle',
  version: 1,
  nodes: [
    actor(A.alpha, 'Alpha command', 'UA'),
    actor(A.bravo, 'Bravo command', 'RU'),
    actor(A.observer, 'Observer mission', 'NEUTRAL'),
    actor(A.daily, 'The Daily'),
    actor(A.wire, 'The Wire'),
    actor(A.ministry, 'Ministry press office'),
    actor(A.partner, 'Partner agency'),
    { label: 'Place', id: P.northtown, properties: { kind: 'CITY', name: 'Northtown' } },
    { label: 'Place', id: P.oldBridge, properties: { kind: 'LANDMARK', name: 'Old bridge' } },
    statement(S.clearClaim, 'CLEAR', 'Alpha holds the bridge at Northtown.', '2024-12-10'),
    statement(S.clearRebuttal, 'CLEAR', 'Bravo says the bridge at Northtown is contested.', '2024-12-10'),
    statement(S.redDenial, 'RED', 'Intercept: Bravo took the bridge at Northtown.', '2024-12-11'),
    statement(S.greenReport, 'GREEN', 'Observers saw Alpha at the bridge in Northtown.', '2024-12-12'),
    statement(S.amberAssess, 'AMBER', 'Partner assessment: the bridge at Northtown changed hands.', '2024-12-13'),
    statement(S.clearQuote, 'CLEAR', 'Observers quote a partner on the bridge at Northtown.', '2024-12-14'),
    source(SRC.clearArticle, 'CLEAR', 'Daily article on the bridge'),
    source(SRC.redRelay, 'RED', 'Wire relay (restricted)'),
    source(SRC.clearOrigin, 'CLEAR', 'Ministry bulletin'),
    source(SRC.redIntercept, 'RED', 'Intercept transcript'),
    source(SRC.greenBulletin, 'GREEN', 'Observer bulletin'),
    source(SRC.amberPartner, 'AMBER', 'Partner report'),
  ],
  edges: [
    edge('PART_OF', P.oldBridge, P.northtown),
    edge('MADE_BY', S.clearClaim, A.alpha),
    edge('MADE_BY', S.clearRebuttal, A.bravo),
    edge('MADE_BY', S.redDenial, A.bravo),
    edge('MADE_BY', S.greenReport, A.observer),
    edge('MADE_BY', S.amberAssess, A.bravo),
    edge('MADE_BY', S.clearQuote, A.observer),
    ...Object.values(S).map((s) => edge('ABOUT', s, P.northtown, { role: 'LOCATION' })),
    edge('ABOUT', S.amberAssess, P.oldBridge, { role: 'SUBJECT' }),
    edge('REPORTED_IN', S.clearClaim, SRC.clearArticle),
    edge('REPORTED_IN', S.clearClaim, SRC.redRelay),
    edge('REPORTED_IN', S.clearClaim, SRC.clearOrigin),
    edge('REPORTED_IN', S.clearRebuttal, SRC.clearArticle),
    edge('REPORTED_IN', S.redDenial, SRC.redIntercept),
    edge('REPORTED_IN', S.greenReport, SRC.greenBulletin),
    edge('REPORTED_IN', S.amberAssess, SRC.amberPartner),
    edge('REPORTED_IN', S.clearQuote, SRC.clearArticle),
    edge('REPORTED_IN', S.clearQuote, SRC.amberPartner, { quote: 'the bridge changed hands twice' }),
    edge('CONTRADICTS', S.redDenial, S.clearClaim),
    edge('SUPPORTS', S.greenReport, S.clearClaim),
    edge('DISPUTES', S.amberAssess, S.clearClaim),
    edge('CITES', SRC.clearArticle, SRC.redRelay),
    edge('CITES', SRC.redRelay, SRC.clearOrigin),
    edge('PUBLISHED_BY', SRC.clearArticle, A.daily),
    edge('PUBLISHED_BY', SRC.redRelay, A.wire),
    edge('PUBLISHED_BY', SRC.clearOrigin, A.ministry),
    edge('PUBLISHED_BY', SRC.amberPartner, A.partner),
  ],
};

/** Empties the graph (API keys stay: they are credentials, not data) and loads the fixture as the local operator. */
export async function resetToMarkingFixture(db: Database): Promise<void> {
  await db.write('MATCH (n) WHERE NOT n:ApiKey DETACH DELETE n');
  await migrate(db);
  await importBundle(db, model, markingFixture, { who: 'fixture' });
}

/** The principals the tests ask as, one per clearance that matters. */
export const CLEAR_READER: Principal = { kind: 'anonymous', name: 'anonymous', role: 'reader', clearance: 'CLEAR' };
export const GREEN_READER: Principal = { kind: 'key', name: 'key:green-reader', role: 'reader', clearance: 'GREEN' };
export const AMBER_EDITOR: Principal = { kind: 'key', name: 'key:amber-editor', role: 'editor', clearance: 'AMBER' };
export const RED_ADMIN: Principal = { kind: 'key', name: 'key:red-admin', role: 'admin', clearance: 'RED' };

/** Whether a principal of `clearance` may see the fixture's node `id` (actors and places: always). */
export function sees(clearance: Marking, id: string): boolean {
  const marking = MARKED[id];
  return marking === undefined || MARKINGS.indexOf(marking) <= MARKINGS.indexOf(clearance);
}

/** Of `ids`, those a principal of `clearance` may see, in the given order. */
export const visibleTo = (clearance: Marking, ids: readonly string[]) => ids.filter((id) => sees(clearance, id));
