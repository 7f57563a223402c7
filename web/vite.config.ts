import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { basemapPlugin } from './scripts/basemapPlugin.js';

const root = import.meta.dirname;

// Two pages: the explorer (index.html, every client-side route) and GraphiQL (graphiql.html), so the
// query editor's Monaco stays out of the explorer's bundle. Built into web/dist and served by claimgraph.
export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [react(), basemapPlugin()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
    // Monaco (GraphiQL) is large by nature and only loaded at /graphiql.
    chunkSizeWarningLimit: 5000,
    rollupOptions: {
      input: { index: path.join(root, 'index.html'), graphiql: path.join(root, 'graphiql.html') },
      // GraphiQL's modules carry React-compiler directives ("use no memo") that bundling drops, harmlessly.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
  logLevel: 'warn',
});
