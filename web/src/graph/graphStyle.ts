import type { StylesheetJson } from 'cytoscape';

/** Colours and shapes by node label and by relationship type, shared by the graph and its legend. */
export const NODE_STYLE: Record<string, { color: string; shape: string }> = {
  Place: { color: '#2e7d32', shape: 'round-hexagon' },
  Actor: { color: '#ef6c00', shape: 'ellipse' },
  Unit: { color: '#6d4c41', shape: 'round-diamond' },
  Source: { color: '#1565c0', shape: 'round-rectangle' },
  Statement: { color: '#6a1b9a', shape: 'round-tag' },
};

export const EDGE_STYLE: Record<string, { color: string; line: 'solid' | 'dashed' | 'dotted'; width: number }> = {
  MADE_BY: { color: '#ef6c00', line: 'solid', width: 2 },
  ON_BEHALF_OF: { color: '#ef6c00', line: 'dashed', width: 1.5 },
  ABOUT: { color: '#2e7d32', line: 'solid', width: 1.5 },
  REPORTED_IN: { color: '#1565c0', line: 'solid', width: 1.5 },
  CONTRADICTS: { color: '#c62828', line: 'solid', width: 3 },
  DISPUTES: { color: '#f9a825', line: 'dashed', width: 3 },
  SUPPORTS: { color: '#43a047', line: 'solid', width: 3 },
  CITES: { color: '#1565c0', line: 'dashed', width: 2 },
  PUBLISHED_BY: { color: '#90a4ae', line: 'dotted', width: 1.5 },
  AUTHORED_BY: { color: '#90a4ae', line: 'dotted', width: 1.5 },
  GEOLOCATED_AT: { color: '#00897b', line: 'dashed', width: 1.5 },
  PART_OF: { color: '#757575', line: 'solid', width: 2.5 },
  BELONGS_TO: { color: '#6d4c41', line: 'solid', width: 2 },
  MEMBER_OF: { color: '#8d6e63', line: 'dotted', width: 2 },
};

const SIDE_BORDER: Record<string, string> = { RU: '#d32f2f', UA: '#1976d2', NEUTRAL: '#9e9e9e', UNKNOWN: '#bdbdbd' };

export function graphStylesheet(): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': 10,
        'min-zoomed-font-size': 7,
        'text-wrap': 'ellipsis',
        'text-max-width': '140px',
        'text-valign': 'bottom',
        'text-margin-y': 4,
        color: '#222',
        width: 22,
        height: 22,
        'border-width': 2,
        'border-color': '#fff',
      },
    },
    ...Object.entries(NODE_STYLE).map(([label, s]) => ({ selector: `node[type = "${label}"]`, style: { 'background-color': s.color, shape: s.shape } as never })),
    ...Object.entries(SIDE_BORDER).map(([side, color]) => ({ selector: `node[side = "${side}"]`, style: { 'border-color': color, 'border-width': 3 } })),
    { selector: 'node.start', style: { width: 34, height: 34, 'font-weight': 'bold' } },
    { selector: 'node.expanded', style: { 'border-width': 4, 'border-style': 'double' } as never },
    { selector: 'node:selected', style: { 'overlay-color': '#ffeb3b', 'overlay-opacity': 0.35 } as never },
    {
      selector: 'edge',
      style: { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8, 'line-color': '#999', 'target-arrow-color': '#999', label: '', 'font-size': 8 },
    },
    ...Object.entries(EDGE_STYLE).map(([type, s]) => ({
      selector: `edge[type = "${type}"]`,
      style: { 'line-color': s.color, 'target-arrow-color': s.color, 'line-style': s.line, width: s.width },
    })),
    { selector: 'edge:selected', style: { label: 'data(type)', 'text-rotation': 'autorotate', color: '#333' } },
  ];
}
