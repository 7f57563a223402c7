import { GraphQLError } from 'graphql';
import type { Config } from '../config.js';
import { ErrorCode } from '../errors.js';

/**
 * The limits every GraphQL request is held to before anything runs. Each is a setting (see the README's
 * limits table); each refusal is HTTP 400 QUERY_TOO_COMPLEX naming the limit, its maximum and what the
 * request had.
 */
export interface RequestLimits {
  /** Lexical tokens in the document (graphql-js stops parsing past it). */
  maxTokens: number;
  /** Fields nested in one another, fragments flattened. */
  maxDepth: number;
  /** Brackets nested in the document's text, checked before parsing (the parser recurses on them). */
  maxNesting: number;
  /** Aliased fields in the whole operation, fragments counted where they are spread. */
  maxAliases: number;
  /** Directives in the operation. */
  maxDirectives: number;
  /** Worst-case number of items: the product of page sizes along each path, summed. */
  maxCost: number;
  /** Nesting of any argument or variable value (objects and lists). */
  maxInputDepth: number;
  /** Values (object fields and list items) in all variables, or in one argument. */
  maxInputValues: number;
  /** Nesting of filter objects in a `where` (AND, OR, NOT and relationship filters each add one). */
  maxFilterDepth: number;
  /** Filter objects and conditions in one `where`. */
  maxFilterSize: number;
}

export function requestLimitsOf(config: Config): RequestLimits {
  return {
    maxTokens: config.CLAIMGRAPH_MAX_TOKENS,
    maxDepth: config.CLAIMGRAPH_MAX_DEPTH,
    // A selection as deep as allowed, holding an argument as deep as allowed, and the brackets around them.
    maxNesting: config.CLAIMGRAPH_MAX_DEPTH + config.CLAIMGRAPH_MAX_INPUT_DEPTH + 4,
    maxAliases: config.CLAIMGRAPH_MAX_ALIASES,
    maxDirectives: config.CLAIMGRAPH_MAX_DIRECTIVES,
    maxCost: config.CLAIMGRAPH_MAX_COST,
    maxInputDepth: config.CLAIMGRAPH_MAX_INPUT_DEPTH,
    maxInputValues: config.CLAIMGRAPH_MAX_INPUT_VALUES,
    maxFilterDepth: config.CLAIMGRAPH_MAX_FILTER_DEPTH,
    maxFilterSize: config.CLAIMGRAPH_MAX_FILTER_SIZE,
  };
}

/** The setting that raises each limit, named in refusals so an operator knows what to change. */
export const LIMIT_SETTINGS: Record<keyof RequestLimits, string> = {
  maxTokens: 'CLAIMGRAPH_MAX_TOKENS',
  maxDepth: 'CLAIMGRAPH_MAX_DEPTH',
  maxNesting: 'CLAIMGRAPH_MAX_DEPTH+CLAIMGRAPH_MAX_INPUT_DEPTH+4',
  maxAliases: 'CLAIMGRAPH_MAX_ALIASES',
  maxDirectives: 'CLAIMGRAPH_MAX_DIRECTIVES',
  maxCost: 'CLAIMGRAPH_MAX_COST',
  maxInputDepth: 'CLAIMGRAPH_MAX_INPUT_DEPTH',
  maxInputValues: 'CLAIMGRAPH_MAX_INPUT_VALUES',
  maxFilterDepth: 'CLAIMGRAPH_MAX_FILTER_DEPTH',
  maxFilterSize: 'CLAIMGRAPH_MAX_FILTER_SIZE',
};

/** The public name of a limit in `extensions.limit`: maxAliases → aliases. */
const limitName = (limit: keyof RequestLimits) => limit.charAt(3).toLowerCase() + limit.slice(4);

/** A refusal for going past a limit: HTTP 400, QUERY_TOO_COMPLEX, with the numbers. */
export function tooComplex(
  limit: keyof RequestLimits,
  actual: number,
  max: number,
  message: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(`${message} (limit ${LIMIT_SETTINGS[limit]}=${max})`, {
    extensions: {
      code: ErrorCode.QUERY_TOO_COMPLEX,
      limit: limitName(limit),
      max,
      actual,
      ...extra,
      http: { status: 400 },
    },
  });
}
