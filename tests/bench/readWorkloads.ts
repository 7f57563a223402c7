/**
 * The read benchmark's workloads (issue 9's table): each a GraphQL operation for claimgraph and the
 * hand-written Cypher that gives the same answer (the floor), with the variables of its i-th request.
 */

export interface WorkloadInputs {
  statements: string[];
  typicalPlace: string;
  densePlace: string;
  /** The 50 000th statement in statedAt DESC order, as claimgraph's cursor and as its sort values. */
  deepRoot: { cursor: string; a: string; b: string; id: string };
  /** The 5 000th row of the dense place's statements in statedAt DESC order. */
  deepDense: { cursor: string; a: string; b: string; id: string };
  searchText: string;
  searchLucene: string;
}

export interface Workload {
  name: string;
  title: string;
  graphql: string;
  /** GraphQL variables and floor parameters of the i-th request. */
  vars(inputs: WorkloadInputs, i: number): { graphql: Record<string, unknown>; floor: Record<string, unknown> };
}

const PAGE_OF_STATEMENTS = `MATCH (p:Place {id: $id})
CALL {
  WITH p
  MATCH (p)<-[:ABOUT]-(s:Statement)
  WITH DISTINCT s ORDER BY s.id LIMIT 20
  RETURN collect({node: {id: s.id, speaker: head([(s)-[:MADE_BY]->(a:Actor) | SPEAKER])EXTRA}}) AS edges
}
RETURN {place: {statements: {edges: edges}}} AS data`;

/** SubjectRole's values in their declared order: the order an edge's `roles` are listed in. */
const ROLE_ORDER = ['SUBJECT', 'OBJECT', 'LOCATION', 'ADDRESSEE'];

const DENSE = (deep: boolean) => `MATCH (p:Place {id: $id})
MATCH (t:Statement) USING INDEX t:Statement(statedAtStart, statedAtEnd, id)
WHERE t.statedAtStart IS NOT NULL AND t.statedAtEnd IS NOT NULL AND t.id IS NOT NULL${deep ? ' AND t.statedAtStart <= date($a)' : ''}
  AND EXISTS { (p)<-[:ABOUT]-(t) }${deep ? '\n  AND [t.statedAtStart, t.statedAtEnd, t.id] < [date($a), date($b), $sid]' : ''}
WITH p, t ORDER BY t.statedAtStart DESC, t.statedAtEnd DESC, t.id DESC LIMIT 21
WITH p, collect(t) AS ts
WITH [t IN ts[0..20] | {roles: [role IN $roleOrder WHERE role IN COLLECT { MATCH (p)<-[r:ABOUT]-(t) RETURN r.role }], node: {id: t.id}}] AS es, size(ts) > 20 AS more
RETURN {place: {statements: {edges: es, pageInfo: {hasNextPage: more}}}} AS data`;

const ROOT = (deep: boolean) => `MATCH (t:Statement)
WHERE t.statedAtStart IS NOT NULL AND t.statedAtEnd IS NOT NULL AND t.id IS NOT NULL${
  deep ? '\n  AND t.statedAtStart <= date($a) AND [t.statedAtStart, t.statedAtEnd, t.id] < [date($a), date($b), $sid]' : ''
}
WITH t ORDER BY t.statedAtStart DESC, t.statedAtEnd DESC, t.id DESC LIMIT 21
WITH collect(t) AS ts
RETURN {statements: {edges: [t IN ts[0..20] | {node: {id: t.id, statedAt: {start: t.statedAtStart, end: t.statedAtEnd}}}], pageInfo: {hasNextPage: size(ts) > 20}}} AS data`;

export const FLOOR_QUERIES: Record<string, string> = {
  byId: `MATCH (s:Statement {id: $id})
RETURN {statement: {id: s.id, text: s.text, kind: s.kind, credibility: s.credibility, statedAt: {start: s.statedAtStart, end: s.statedAtEnd, precision: s.statedAtPrecision}}} AS data`,
  nested: PAGE_OF_STATEMENTS.replace('SPEAKER', '{id: a.id, name: a.name}').replace(
    'EXTRA',
    `, sources: {edges: COLLECT {
    MATCH (s)-[:REPORTED_IN]->(o:Source) WITH o ORDER BY o.id LIMIT 3
    RETURN {node: {id: o.id, title: o.title, publisher: head([(o)-[:PUBLISHED_BY]->(b:Actor) | {id: b.id, name: b.name}])}}
  }}`,
  ),
  rootFirst: ROOT(false),
  rootDeep: ROOT(true),
  denseFirst: DENSE(false),
  denseDeep: DENSE(true),
  search: `CALL db.index.fulltext.queryNodes('claimgraph_text', $lucene) YIELD node AS n, score
WITH n, score LIMIT 1000
WITH n, score ORDER BY score DESC, n.id LIMIT 20
RETURN {search: {edges: collect({score: score, node: {id: n.id}})}} AS data`,
  twoHops: PAGE_OF_STATEMENTS.replace(
    'SPEAKER',
    `{id: a.id, name: a.name, statements: {edges: COLLECT { MATCH (a)<-[:MADE_BY]-(o:Statement) WITH o ORDER BY o.id LIMIT 5 RETURN {node: {id: o.id}} }}}`,
  ).replace('EXTRA', ''),
};

const DENSE_GRAPHQL = `query ($id: ID!, $after: String) {
  place(id: $id) { statements(first: 20, after: $after, orderBy: [{field: STATED_AT, direction: DESC}]) { edges { roles node { id } } pageInfo { hasNextPage } } }
}`;
const ROOT_GRAPHQL = `query ($after: String) {
  statements(first: 20, after: $after, orderBy: [{field: STATED_AT, direction: DESC}]) { edges { node { id statedAt { start end } } } pageInfo { hasNextPage } }
}`;

export const WORKLOADS: Workload[] = [
  {
    name: 'byId',
    title: 'one statement by id',
    graphql: `query ($id: ID!) { statement(id: $id) { id text kind credibility statedAt { start end precision } } }`,
    vars: (x, i) => {
      const id = x.statements[i % x.statements.length];
      return { graphql: { id }, floor: { id } };
    },
  },
  {
    name: 'nested',
    title: 'place → 20 statements → speaker + 3 sources → publisher',
    graphql: `query ($id: ID!) { place(id: $id) { statements(first: 20) { edges { node { id speaker { id name } sources(first: 3) { edges { node { id title publisher { id name } } } } } } } } }`,
    vars: (x) => ({ graphql: { id: x.typicalPlace }, floor: { id: x.typicalPlace } }),
  },
  {
    name: 'rootFirst',
    title: 'root statements ordered by statedAt, first page',
    graphql: ROOT_GRAPHQL,
    vars: () => ({ graphql: {}, floor: {} }),
  },
  {
    name: 'rootDeep',
    title: 'the same, a page after the 50 000th',
    graphql: ROOT_GRAPHQL,
    vars: (x) => ({ graphql: { after: x.deepRoot.cursor }, floor: { a: x.deepRoot.a, b: x.deepRoot.b, sid: x.deepRoot.id } }),
  },
  {
    name: 'denseFirst',
    title: "a dense place's statements, first page",
    graphql: DENSE_GRAPHQL,
    vars: (x) => ({ graphql: { id: x.densePlace }, floor: { id: x.densePlace, roleOrder: ROLE_ORDER } }),
  },
  {
    name: 'denseDeep',
    title: "a dense place's statements, a page after the 5 000th",
    graphql: DENSE_GRAPHQL,
    vars: (x) => ({
      graphql: { id: x.densePlace, after: x.deepDense.cursor },
      floor: { id: x.densePlace, a: x.deepDense.a, b: x.deepDense.b, sid: x.deepDense.id, roleOrder: ROLE_ORDER },
    }),
  },
  {
    name: 'search',
    title: 'full-text search',
    graphql: `query ($q: String!) { search(query: $q, first: 20) { edges { score node { id } } } }`,
    vars: (x) => ({ graphql: { q: x.searchText }, floor: { lucene: x.searchLucene } }),
  },
  {
    name: 'twoHops',
    title: "2 hops: a place's statements, their speakers, their other statements",
    graphql: `query ($id: ID!) { place(id: $id) { statements(first: 20) { edges { node { id speaker { id name statements(first: 5) { edges { node { id } } } } } } } } }`,
    vars: (x) => ({ graphql: { id: x.typicalPlace }, floor: { id: x.typicalPlace } }),
  },
];
