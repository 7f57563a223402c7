/**
 * Every query the explorer sends, with the shape of what it reads. Only what a view shows is selected, so
 * schema additions never break the explorer and renames touch one place.
 */

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Connection<E> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: E[];
}
export interface PartialDate {
  start: string;
  end: string;
  precision: 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';
  raw: string | null;
}
export type NodeType = 'Place' | 'Actor' | 'Unit' | 'Source' | 'Statement';
/** A short reference to a node: enough to name and link it. Each type's `kind` is an enum of its own, so aliased. */
export interface Ref {
  __typename: NodeType;
  id: string;
  name?: string;
  title?: string;
  text?: string;
  placeKind?: string;
  actorKind?: string;
  sourceKind?: string;
  statementKind?: string;
  echelon?: string;
  side?: string | null;
}

export const kindOf = (r: Ref): string => r.placeKind ?? r.actorKind ?? r.sourceKind ?? r.statementKind ?? r.echelon ?? r.__typename;

const PAGE = 'pageInfo { hasNextPage endCursor } totalCount';
const DATE = 'start end precision raw';
const REF_FIELDS: Record<NodeType, string> = {
  Place: 'name placeKind: kind',
  Actor: 'name actorKind: kind side',
  Unit: 'name echelon side',
  Source: 'title sourceKind: kind',
  Statement: 'text statementKind: kind',
};
/** The selection of a Ref on a field of one object type, or on a union or interface of several. */
export function refOf(...types: NodeType[]): string {
  if (types.length === 1) return `__typename id ${REF_FIELDS[types[0]]}`;
  return `__typename ... on Node { id } ${types.map((t) => `... on ${t} { ${REF_FIELDS[t]} }`).join(' ')}`;
}
const ANY = refOf('Place', 'Actor', 'Unit', 'Source', 'Statement');
const SUBJECT = refOf('Place', 'Actor', 'Unit');

// ---- search ----

export interface SearchData {
  search: Connection<{ score: number; node: Ref }>;
}
export const SEARCH = `query Search($query: String!, $first: Int, $after: String) {
  search(query: $query, first: $first, after: $after) { ${PAGE} edges { score node { ${ANY} ... on Place { aliases parent { name } } ... on Actor { aliases } ... on Unit { aliases } ... on Statement { statedAt { raw } speaker { name } } } } }
}`;

// ---- entity pages ----

export interface Ancestor {
  id: string;
  name: string;
  parent?: Ancestor | null;
}
const ANCESTORS = (depth: number): string => (depth === 0 ? 'id name' : `id name parent { ${ANCESTORS(depth - 1)} }`);

export interface NodeData {
  node:
    | null
    | ({ __typename: 'Place'; id: string; placeKind: string; name: string; aliases: string[]; areaKm2: number | null; description: string | null; location: { latitude: number; longitude: number; precisionM: number | null } | null; parent: Ancestor | null })
    | ({ __typename: 'Actor'; id: string; actorKind: string; name: string; aliases: string[]; side: string | null; description: string | null })
    | ({ __typename: 'Unit'; id: string; name: string; aliases: string[]; echelon: string; side: string | null; description: string | null; parent: Ancestor | null; belongsTo: { id: string; name: string } | null })
    | ({ __typename: 'Source'; id: string; sourceKind: string; title: string; url: string | null; language: string | null; reliability: string | null; description: string | null; publishedAt: PartialDate | null; publisher: { id: string; name: string } | null; author: { id: string; name: string } | null })
    | ({ __typename: 'Statement'; id: string });
}
export const NODE = `query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Place { placeKind: kind name aliases areaKm2 description location { latitude longitude precisionM } parent { ${ANCESTORS(6)} } }
    ... on Actor { actorKind: kind name aliases side description }
    ... on Unit { name aliases echelon side description parent { ${ANCESTORS(6)} } belongsTo { id name } }
    ... on Source { sourceKind: kind title url language reliability description publishedAt { ${DATE} } publisher { id name } author { id name } }
  }
}`;

/** Lists below an entity, each paged on its own. `$id` and `$after` are the variables. */
export const PLACE_CHILDREN = `query PlaceChildren($id: ID!, $after: String) {
  place(id: $id) { children(first: 50, after: $after, orderBy: [{field: NAME}]) { ${PAGE} edges { node { ${refOf('Place')} } } } }
}`;
export const UNIT_SUBUNITS = `query SubUnits($id: ID!, $after: String) {
  unit(id: $id) { subUnits(first: 50, after: $after, orderBy: [{field: NAME}]) { ${PAGE} edges { node { ${refOf('Unit')} } } } }
}`;
export const UNIT_MEMBERS = `query UnitMembers($id: ID!, $after: String) {
  unit(id: $id) { members(first: 50, after: $after) { ${PAGE} edges { role node { ${refOf('Actor')} } } } }
}`;
export const ACTOR_MEMBERSHIPS = `query Memberships($id: ID!, $after: String) {
  actor(id: $id) { memberships(first: 50, after: $after) { ${PAGE} edges { role node { ${refOf('Actor', 'Unit')} } } } }
}`;
export const ACTOR_MEMBERS = `query Members($id: ID!, $after: String) {
  actor(id: $id) { members(first: 50, after: $after) { ${PAGE} edges { role node { ${refOf('Actor')} } } } }
}`;
export const ACTOR_UNITS = `query ActorUnits($id: ID!, $after: String) {
  actor(id: $id) { units(first: 50, after: $after, orderBy: [{field: NAME}]) { ${PAGE} edges { node { ${refOf('Unit')} } } } }
}`;
export const SOURCE_CITES = `query Cites($id: ID!, $after: String) {
  source(id: $id) { cites(first: 50, after: $after) { ${PAGE} edges { node { ${refOf('Source')} } } } }
}`;
export const SOURCE_CITED_BY = `query CitedBy($id: ID!, $after: String) {
  source(id: $id) { citedBy(first: 50, after: $after) { ${PAGE} edges { node { ${refOf('Source')} } } } }
}`;
export const SOURCE_GEOLOCATED = `query Geolocated($id: ID!, $after: String) {
  source(id: $id) { geolocatedAt(first: 50, after: $after) { ${PAGE} edges { by offsetM bearing node { ${refOf('Place')} } } } }
}`;

/** What the timeline draws for one claim: its span, speaker and side, and its stance edges. */
export interface TimelineClaim {
  id: string;
  text: string;
  kind: string;
  statedAt: PartialDate;
  speaker: { id: string; name: string; side: string | null } | null;
  contradicts: { edges: Array<{ note: string | null; node: { id: string } }> };
  supports: { edges: Array<{ note: string | null; node: { id: string } }> };
  disputes: { edges: Array<{ note: string | null; node: { id: string } }> };
}
// Stance pages stay small so a page of claims stays well inside the server's cost guard.
const CLAIM = `id text kind statedAt { ${DATE} } speaker { id name side }
  contradicts(first: 20) { edges { note node { id } } }
  supports(first: 20) { edges { note node { id } } }
  disputes(first: 20) { edges { note node { id } } }`;

export interface TimelineData {
  timeline: Connection<{ links: string[]; side: string | null; node: TimelineClaim }>;
}
export const TIMELINE = `query Timeline($id: ID!, $after: String) {
  timeline(id: $id, first: 50, after: $after) { ${PAGE} edges { links side node { ${CLAIM} } } }
}`;

export interface SourceStatementsData {
  source: { statements: Connection<{ quote: string | null; node: TimelineClaim }> } | null;
}
export const SOURCE_STATEMENTS = `query SourceStatements($id: ID!, $after: String) {
  source(id: $id) { statements(first: 50, after: $after, orderBy: [{field: STATED_AT}]) { ${PAGE} edges { quote node { ${CLAIM} } } } }
}`;

// ---- a statement ----

export interface StanceEdge {
  note: string | null;
  node: { id: string; text: string; statedAt: PartialDate; speaker: { id: string; name: string; side: string | null } | null };
}
type Stances = { totalCount: number; edges: StanceEdge[] };
export interface SourceRef {
  id: string;
  title: string;
  kind: string;
  url?: string | null;
  publisher: { id: string; name: string } | null;
}
export interface StatementData {
  statement: null | {
    id: string;
    text: string;
    kind: string;
    statedAt: PartialDate;
    validFrom: PartialDate | null;
    validTo: PartialDate | null;
    credibility: number | null;
    note: string | null;
    retractedAt: string | null;
    retractionReason: string | null;
    /** An actor, or a formation speaking for itself (no kind then). */
    speaker: { id: string; name: string; side: string | null; kind?: string } | null;
    onBehalfOf: Ref | null;
    about: Connection<{ roles: string[]; node: Ref }>;
    contradicts: Stances;
    contradictedBy: Stances;
    supports: Stances;
    supportedBy: Stances;
    disputes: Stances;
    disputedBy: Stances;
  };
  provenance: null | {
    sourceCount: number;
    independentOrigins: number;
    truncated: boolean;
    chains: Array<{ length: number; sources: SourceRef[] }>;
    origins: Array<{ publisher: { id: string; name: string } | null; sources: SourceRef[] }>;
  };
}
const STANCE = `totalCount edges { note node { id text statedAt { ${DATE} } speaker { id name side } } }`;
const SOURCE_REF = 'id title kind publisher { id name }';
export const STATEMENT = `query Statement($id: ID!) {
  statement(id: $id) {
    id text kind statedAt { ${DATE} } validFrom { ${DATE} } validTo { ${DATE} } credibility note retractedAt retractionReason
    speaker { id name side ... on Actor { kind } }
    onBehalfOf { ${refOf('Actor', 'Unit')} }
    about(first: 100) { ${PAGE} edges { roles node { ${SUBJECT} } } }
    contradicts(first: 100) { ${STANCE} } contradictedBy(first: 100) { ${STANCE} }
    supports(first: 100) { ${STANCE} } supportedBy(first: 100) { ${STANCE} }
    disputes(first: 100) { ${STANCE} } disputedBy(first: 100) { ${STANCE} }
  }
  provenance(id: $id) {
    sourceCount independentOrigins truncated
    chains { length sources { ${SOURCE_REF} } }
    origins { publisher { id name } sources { ${SOURCE_REF} } }
  }
}`;

export interface StatementSourcesData {
  statement: { sources: Connection<{ quote: string | null; charStart: number | null; charEnd: number | null; node: SourceRef & { url: string | null } }> } | null;
}
export const STATEMENT_SOURCES = `query StatementSources($id: ID!, $after: String) {
  statement(id: $id) { sources(first: 50, after: $after) { ${PAGE} edges { quote charStart charEnd node { ${SOURCE_REF} url } } } }
}`;

// ---- graph ----

export type GraphNode = Ref;
export interface GraphEdge {
  type: string;
  from: string;
  to: string;
  properties: Record<string, unknown> | null;
}
export interface NeighbourhoodData {
  neighbourhood: { truncated: boolean; nodes: GraphNode[]; edges: GraphEdge[] } | null;
}
export const NEIGHBOURHOOD = `query Neighbourhood($id: ID!, $depth: Int!, $limit: Int!) {
  neighbourhood(id: $id, depth: $depth, limit: $limit) { truncated nodes { ${ANY} } edges { type from to properties } }
}`;

// ---- map ----

export interface MapPlace {
  id: string;
  name: string;
  kind: string;
  location: { latitude: number; longitude: number; precisionM: number | null } | null;
  parent: { id: string; name: string } | null;
}
export interface PlacesData {
  places: Connection<{ node: MapPlace }>;
}
export const MAP_PLACES = `query MapPlaces($where: PlaceWhere, $after: String) {
  places(first: 100, after: $after, where: $where, orderBy: [{field: NAME}]) { ${PAGE} edges { node { id name kind location { latitude longitude precisionM } parent { id name } } } }
}`;
export const AREAS = `query Areas($after: String) {
  places(first: 100, after: $after, where: {kind: {in: [COUNTRY, REGION, PROVINCE, CITY, DISTRICT]}}, orderBy: [{field: NAME}]) { ${PAGE} edges { node { id name kind } } }
}`;

// ---- contested claims ----

export interface ContestedSide {
  id: string;
  text: string;
  kind: string;
  statedAt: PartialDate;
  speaker: { id: string; name: string; side: string | null } | null;
  sources: Connection<{ quote: string | null; node: { id: string; title: string; kind: string } }>;
}
export interface ContestedData {
  contestedClaims: Connection<{
    cursor: string;
    node: { reasons: string[]; overlapping: boolean; stances: Array<{ kind: string; direction: 'A_TO_B' | 'B_TO_A'; note: string | null }>; subjects: Ref[]; a: ContestedSide; b: ContestedSide };
  }>;
}
const CONTESTED_SIDE = `id text kind statedAt { ${DATE} } speaker { id name side } sources(first: 20) { ${PAGE} edges { quote node { id title kind } } }`;
export const CONTESTED = `query Contested($about: ID, $from: Date, $to: Date, $after: String) {
  contestedClaims(about: $about, from: $from, to: $to, first: 10, after: $after) {
    ${PAGE}
    edges { cursor node { reasons overlapping stances { kind direction note } subjects { ${SUBJECT} } a { ${CONTESTED_SIDE} } b { ${CONTESTED_SIDE} } } }
  }
}`;
