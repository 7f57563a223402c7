import { defineConfig } from 'vitest/config';

// Integration tests share one real Neo4j (started by tests/globalSetup.ts unless NEO4J_URI is set) and run
// one file at a time; each file resets the database to the sample in its beforeAll.
export default defineConfig({
  // graphql must be one module instance: @graphql-tools loads its CommonJS build, so our imports must too.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/globalSetup.ts'],
    fileParallelism: false,
    // Tests check answers, never speed: a shared 2-core machine may run them several times slower than usual.
    testTimeout: 180_000,
    hookTimeout: 240_000,
    reporters: ['default'],
  },
});
