/// <reference types="vite/client" />

declare module 'virtual:basemap' {
  import type { Topology } from 'topojson-specification';
  const basemap: Topology;
  export default basemap;
}
