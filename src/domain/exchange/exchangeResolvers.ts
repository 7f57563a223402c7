import { GraphQLError } from 'graphql';
import type { Resolvers, SubgraphSelection } from '../../generated/graphql.js';
import { ErrorCode, badUserInput } from '../../errors.js';
import { LABELS } from '../../ids.js';
import { graphModelOf } from '../../model/graphModel.js';
import { collectSubgraph, SubgraphTooLargeError } from '../../export/exportSubgraph.js';
import { STREAM_FORMATS } from '../../export/formats/index.js';
import { SelectionError, type Selection } from '../../export/selection.js';

// schema/exchange.graphql: Query.exportSubgraph, the inline export of small subgraphs.

/** The largest maxNodes a caller may ask for: past it, an inline answer gets too big for one response. */
export const MAX_INLINE_NODES = 5000;

const labelOf = (value: string) => LABELS.find((l) => l.toUpperCase() === value) ?? value;
// Date arguments arrive as the Date scalar parsed them (a JS Date at midnight UTC).
const isoDay = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value));

function selectionOf(input: SubgraphSelection | null | undefined): Selection {
  if (!input) return {};
  return {
    ...(input.seeds != null ? { seeds: input.seeds } : {}),
    ...(input.depth != null ? { depth: input.depth } : {}),
    ...(input.labels != null ? { labels: input.labels.map(labelOf) as Selection['labels'] } : {}),
    ...(input.from != null ? { from: isoDay(input.from) } : {}),
    ...(input.to != null ? { to: isoDay(input.to) } : {}),
    ...(input.within != null ? { within: input.within } : {}),
    ...(input.closure != null ? { closure: input.closure === 'NONE' ? 'none' : 'context' } : {}),
  };
}

export const exchangeResolvers: Resolvers = {
  Query: {
    exportSubgraph: async (_, { selection, format, maxNodes }, ctx, info) => {
      if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > MAX_INLINE_NODES) {
        throw badUserInput(`maxNodes must be from 1 to ${MAX_INLINE_NODES}; export bigger subgraphs with GET /export`, 'maxNodes');
      }
      const model = graphModelOf(info.schema);
      let subgraph;
      try {
        subgraph = await collectSubgraph(ctx.db, model, selectionOf(selection), ctx.principal, { maxNodes, maxEdges: maxNodes * 10 });
      } catch (error) {
        if (error instanceof SubgraphTooLargeError) {
          throw new GraphQLError(`${error.issues[0].message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument: 'maxNodes', limit: maxNodes } });
        }
        if (error instanceof SelectionError) {
          const first = error.issues[0];
          throw new GraphQLError(error.message, {
            extensions: { code: error.code === 'NOT_FOUND' ? ErrorCode.NOT_FOUND : ErrorCode.BAD_USER_INPUT, argument: `selection.${first.path}` },
          });
        }
        throw error;
      }
      const info_ = STREAM_FORMATS[format.toLowerCase() as keyof typeof STREAM_FORMATS];
      const serializer = info_.create(model);
      const parts = [serializer.begin()];
      for (const node of subgraph.nodes) parts.push(serializer.node(node));
      for (const edge of subgraph.edges) parts.push(serializer.edge(edge));
      parts.push(serializer.end({ nodes: subgraph.nodes.length, edges: subgraph.edges.length }));
      return { format, contentType: info_.contentType, nodeCount: subgraph.nodes.length, edgeCount: subgraph.edges.length, text: parts.join('') };
    },
  },
};
