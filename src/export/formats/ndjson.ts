import { NDJSON_FORMAT } from '../../bundle/readNdjson.js';
import type { FormatInfo, Serializer } from './serializer.js';

/**
 * NDJSON, one record per line, readable by the importer and by pandas (`read_json(lines=True)`):
 *   {"format":"claimgraph-ndjson","version":1}
 *   {"kind":"node","label":"Actor","id":"actor:russia","properties":{…}}
 *   {"kind":"edge","type":"MADE_BY","from":"statement:…","to":"actor:…","properties":{}}
 *   {"kind":"end","nodes":58,"edges":194}
 * The last line lets the importer tell a complete file from one that was cut short.
 */
export const ndjsonFormat: FormatInfo = {
  contentType: 'application/x-ndjson; charset=utf-8',
  extension: 'ndjson',
  create(): Serializer {
    return {
      begin: () => `${JSON.stringify({ format: NDJSON_FORMAT, version: 1 })}\n`,
      node: (n) => `${JSON.stringify({ kind: 'node', label: n.label, id: n.id, properties: n.properties })}\n`,
      edge: (e) => `${JSON.stringify({ kind: 'edge', type: e.type, from: e.from, to: e.to, properties: e.properties })}\n`,
      end: (counts) => `${JSON.stringify({ kind: 'end', nodes: counts.nodes, edges: counts.edges })}\n`,
    };
  },
};
