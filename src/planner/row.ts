/**
 * What resolvers receive as a parent: a plain object shaped by the planner after the response keys of the
 * selection, with neo4j-driver types already converted (dates to ISO strings, integers to numbers).
 */
export type Row = Record<string, unknown> & { __typename?: string };
