import { Kind, visit, type ASTNode, type DocumentNode, type GraphQLError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';

/**
 * A literal argument value that its type rejects (an impossible date like 2024-02-30, an unknown enum
 * value, a float for an Int) fails GraphQL validation; clients should see it as their input's fault, so
 * such errors are tagged with the argument they belong to (e.g. `where.statedAt.overlaps.from`) and
 * reported as BAD_USER_INPUT.
 */
const BAD_VALUE = /^Expected value of type|^Value ".*" does not exist in| cannot represent /;

/** The dotted path of the argument (and input fields) holding the value node that starts at `offset`. */
export function argumentPathAt(document: DocumentNode, offset: number): string | null {
  const stack: string[] = [];
  let found: string | null = null;
  visit(document, {
    enter(node: ASTNode) {
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) stack.push(node.name.value);
      else if (stack.length && node.loc?.start === offset && found === null && isValue(node)) found = stack.join('.');
    },
    leave(node: ASTNode) {
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) stack.pop();
    },
  });
  return found;
}

const isValue = (node: ASTNode) =>
  node.kind === Kind.STRING ||
  node.kind === Kind.INT ||
  node.kind === Kind.FLOAT ||
  node.kind === Kind.BOOLEAN ||
  node.kind === Kind.ENUM ||
  node.kind === Kind.LIST ||
  node.kind === Kind.OBJECT ||
  node.kind === Kind.NULL;

export const argumentPathPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async validationDidStart({ document }) {
        return async (errors?: ReadonlyArray<Error>) => {
          for (const error of (errors ?? []) as ReadonlyArray<GraphQLError>) {
            const start = error.nodes?.[0]?.loc?.start;
            if (!BAD_VALUE.test(error.message) || start === undefined) continue;
            const argument = argumentPathAt(document, start);
            if (argument) (error.extensions as Record<string, unknown>).argument = argument;
          }
        };
      },
    };
  },
};
