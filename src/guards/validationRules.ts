import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { tooComplex, type RequestLimits } from './requestLimits.js';

/**
 * Validation rules added to graphql-js's own: depth, aliases and directives from graphql-armor, each linear
 * in the document (a fragment is measured once, however often it is spread), and a rule that refuses
 * subscriptions, which claimgraph does not serve. They run once per distinct document: Apollo Server keeps
 * documents that passed validation.
 *
 * The armor rules report through `onReject` (never by throwing, which would abort validation as a 500);
 * Apollo files what they report as GRAPHQL_VALIDATION_FAILED, and the error formatter turns those that carry
 * `limit` back into QUERY_TOO_COMPLEX.
 */

/** The number armor puts after "found" in its message. */
const found = (error: GraphQLError) => Number(/found (\d+)/.exec(error.message)?.[1] ?? NaN);

function reporter(limit: 'maxDepth' | 'maxAliases' | 'maxDirectives', max: number, what: string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const actual = found(error);
    context?.reportError(tooComplex(limit, actual, max, `The operation has ${Number.isNaN(actual) ? 'too many' : actual} ${what}; at most ${max} are allowed`));
  };
}

const noSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are not supported: send a query or a mutation.', { nodes: [node] }));
    }
  },
});

export function guardValidationRules(limits: RequestLimits): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: false };
  return [
    noSubscriptions,
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true, onReject: [reporter('maxDepth', limits.maxDepth, 'levels of fields')] }) as unknown as ValidationRule,
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reporter('maxAliases', limits.maxAliases, 'aliases')] }) as unknown as ValidationRule,
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [reporter('maxDirectives', limits.maxDirectives, 'directives')] }) as unknown as ValidationRule,
  ];
}
