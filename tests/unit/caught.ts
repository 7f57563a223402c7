import type { GraphQLError } from 'graphql';

/** The error `run` throws; fails the test when it throws none. */
export function caught(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected an error');
}
