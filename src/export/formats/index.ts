import { cypherFormat } from './cypher.js';
import { cytoscapeFormat } from './cytoscape.js';
import { gexfFormat } from './gexf.js';
import { graphmlFormat } from './graphml.js';
import { jsonFormat } from './json.js';
import { ndjsonFormat } from './ndjson.js';
import type { FormatInfo } from './serializer.js';

export const EXPORT_FORMATS = ['json', 'ndjson', 'graphml', 'gexf', 'csv', 'cypher', 'cytoscape'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The single-stream formats (CSV is a set of files: see csv.ts). */
export const STREAM_FORMATS: Record<Exclude<ExportFormat, 'csv'>, FormatInfo> = {
  json: jsonFormat,
  ndjson: ndjsonFormat,
  graphml: graphmlFormat,
  gexf: gexfFormat,
  cypher: cypherFormat,
  cytoscape: cytoscapeFormat,
};
