import type { Label } from '../../ids.js';
import type { GraphModel } from '../../model/graphModel.js';
import { columnValue, csvColumnsOf, encodeCell, headerCell, type CsvColumn } from '../../bundle/csvColumns.js';
import type { Serializer } from './serializer.js';

/**
 * CSV in the neo4j-admin import format: one nodes file per label and one relationships file per type.
 *   nodes_Place.csv:          id:ID,:LABEL,kind,name,aliases:string[],location:point,locationPrecisionM:int,areaKm2:double,description
 *                             place:kupyansk,Place,"CITY","Kupyansk","Kupiansk;Куп'янськ","{latitude:49.7, longitude:37.6}",2000,,"…"
 *   relationships_ABOUT.csv:  :START_ID,:END_ID,:TYPE,role
 *                             statement:…,place:kupyansk,ABOUT,"LOCATION"
 * Load with: neo4j-admin database import full --nodes=nodes_Actor.csv … --relationships=relationships_ABOUT.csv …
 *            --array-delimiter=";" --multiline-fields=true
 * Strings are always quoted: "" is an empty string, an empty cell an absent value (as neo4j-admin reads them).
 * A list element holding ";" cannot be written (neo4j-admin has no escape for it); such an export fails.
 */

export interface CsvPart {
  /** The file name, e.g. nodes_Place.csv or relationships_ABOUT.csv. */
  name: string;
  kind: 'nodes' | 'relationships';
  /** The label (nodes) or relationship type (relationships). */
  owner: string;
  columns: CsvColumn[];
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** The files of a CSV export, in order: nodes files by label, then relationships files by type. */
export function csvParts(model: GraphModel, labels?: readonly Label[]): CsvPart[] {
  const nodeParts = [...model.nodes]
    .filter(([label]) => !labels || labels.includes(label))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, m]): CsvPart => ({ name: `nodes_${label}.csv`, kind: 'nodes', owner: label, columns: csvColumnsOf(m.properties) }));
  const edgeParts = [...model.edges]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, m]): CsvPart => ({ name: `relationships_${type}.csv`, kind: 'relationships', owner: type, columns: csvColumnsOf(m.properties) }));
  return [...nodeParts, ...edgeParts];
}

export function csvPartSerializer(part: CsvPart): Serializer {
  const header = (part.kind === 'nodes' ? ['id:ID', ':LABEL'] : [':START_ID', ':END_ID', ':TYPE']).concat(part.columns.map(headerCell));
  const cells = (props: Record<string, unknown>) => part.columns.map((c) => encodeCell(c, columnValue(c, props)));
  return {
    begin: () => `${header.join(',')}\n`,
    node: (n) => `${[n.id, n.label, ...cells(n.properties)].join(',')}\n`,
    edge: (e) => `${[e.from, e.to, e.type, ...cells(e.properties)].join(',')}\n`,
    end: () => '',
  };
}
