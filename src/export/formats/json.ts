import type { FormatInfo, Serializer } from './serializer.js';

/**
 * The bundle format itself (what the importer reads), one record per line:
 *   {
 *     "format": "claimgraph-bundle",
 *     "version": 1,
 *     "nodes": [
 *       {"label":"Actor","id":"actor:russia","properties":{…}},
 *       …
 *     ],
 *     "edges": [
 *       {"type":"ABOUT","from":"statement:…","to":"place:…","properties":{"role":"LOCATION"}}
 *     ]
 *   }
 */
export const jsonFormat: FormatInfo = {
  contentType: 'application/json; charset=utf-8',
  extension: 'json',
  create(): Serializer {
    let nodes = 0;
    let edges = 0;
    let inEdges = false;
    const openEdges = () => {
      if (inEdges) return '';
      inEdges = true;
      return `${nodes ? '\n  ' : ''}],\n  "edges": [`;
    };
    return {
      begin: () => '{\n  "format": "claimgraph-bundle",\n  "version": 1,\n  "nodes": [',
      node: (n) => `${nodes++ ? ',' : ''}\n    ${JSON.stringify({ label: n.label, id: n.id, properties: n.properties })}`,
      edge: (e) => `${openEdges()}${edges++ ? ',' : ''}\n    ${JSON.stringify({ type: e.type, from: e.from, to: e.to, properties: e.properties })}`,
      end: () => `${openEdges()}${edges ? '\n  ' : ''}]\n}\n`,
    };
  },
};
