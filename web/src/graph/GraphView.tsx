import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import cytoscape, { type Core } from 'cytoscape';
import { ApiError, EXPORT_FORMATS, exportSubgraph, graphql, type ExportFormat } from '../api/client';
import { onApiKeyChange } from '../api/apiKey';
import { NEIGHBOURHOOD, type NeighbourhoodData } from '../api/queries';
import { ErrorBox, Loading, entityPath, labelOf } from '../components/common';
import { useTitle } from '../views/useTitle';
import { EDGE_STYLE, NODE_STYLE, graphStylesheet } from './graphStyle';
import { edgeKey, mergeSubgraphs, type Subgraph } from './mergeSubgraphs';

const START_LIMIT = 200;
const EXPAND_LIMIT = 100;
/** /export takes at most this many seeds. */
const MAX_EXPORT_NODES = 1000;

const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);

/**
 * /graph?id=…&depth=1..3&expand=a,b — the neighbourhood of a node drawn with Cytoscape.js. A click on a
 * node expands it (its own neighbourhood is added, and it is remembered in the URL); a double click opens
 * its page. Export sends exactly the nodes shown (as seeds, depth 0) to /export.
 */
export function GraphView() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const id = params.get('id') ?? '';
  const depth = Math.min(3, Math.max(1, Number(params.get('depth') ?? 1) || 1));
  const expanded = useMemo(() => list(params.get('expand')), [params]);
  const [input, setInput] = useState(id);
  const [parts, setParts] = useState<Map<string, Subgraph>>(new Map());
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [keyVersion, setKeyVersion] = useState(0);
  const [format, setFormat] = useState<ExportFormat>('graphml');
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const cache = useRef(new Map<string, Subgraph>());
  const drawn = useRef(false);
  const latest = useRef({ expanded, setParams, navigate, params });
  latest.current = { expanded, setParams, navigate, params };
  useTitle(id ? `Graph: ${id}` : 'Graph');
  useEffect(() => onApiKeyChange(() => (cache.current.clear(), setKeyVersion((v) => v + 1))), []);
  useEffect(() => {
    setInput(id);
    drawn.current = false;
  }, [id]);

  // Fetch the start neighbourhood and every expansion (each once; the cache keeps them across clicks).
  const wanted = useMemo(() => (id ? [`${id}|${depth}|${START_LIMIT}`, ...expanded.filter((e) => e !== id).map((e) => `${e}|1|${EXPAND_LIMIT}`)] : []), [id, depth, expanded]);
  useEffect(() => {
    let cancelled = false;
    const missing = wanted.filter((k) => !cache.current.has(k));
    const show = () => setParts(new Map(wanted.filter((k) => cache.current.has(k)).map((k) => [k, cache.current.get(k)!])));
    if (!missing.length) {
      show();
      return;
    }
    setLoading(true);
    setError(null);
    Promise.all(
      missing.map(async (key) => {
        const [nodeId, d, limit] = key.split('|');
        const data = await graphql<NeighbourhoodData>(NEIGHBOURHOOD, { id: nodeId, depth: Number(d), limit: Number(limit) });
        cache.current.set(key, data.neighbourhood ?? { nodes: [], edges: [], truncated: false });
      }),
    ).then(
      () => {
        if (cancelled) return;
        setLoading(false);
        show();
      },
      (e: unknown) => {
        if (cancelled) return;
        setLoading(false);
        setError(e instanceof ApiError ? e : new ApiError('CLIENT_ERROR', String(e), 0));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [wanted, keyVersion]);

  const graph = useMemo(() => mergeSubgraphs(wanted.filter((k) => parts.has(k)).map((k) => parts.get(k)!)), [parts, wanted]);
  const unknownStart = !loading && !error && id && parts.size > 0 && graph.nodes.length === 0;

  // Cytoscape: created once; elements follow the merged graph.
  useEffect(() => {
    if (!container.current) return;
    const instance = cytoscape({ container: container.current, style: graphStylesheet(), wheelSensitivity: 0.4, minZoom: 0.1, maxZoom: 4 });
    instance.on('onetap', 'node', (e) => {
      const nodeId = e.target.id() as string;
      const { expanded: current, setParams: set, params: p } = latest.current;
      if (current.includes(nodeId) || nodeId === p.get('id')) return;
      const next = new URLSearchParams(p);
      next.set('expand', [...current, nodeId].join(','));
      set(next);
    });
    instance.on('dbltap', 'node', (e) => latest.current.navigate(entityPath(e.target.id() as string)));
    cy.current = instance;
    // Tests and power users reach the instance through its container.
    (container.current as HTMLDivElement & { cy?: Core }).cy = instance;
    return () => {
      instance.destroy();
      cy.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    const nodeIds = new Set(graph.nodes.map((n) => n.id));
    const edgeIds = new Set(graph.edges.map(edgeKey));
    instance.batch(() => {
      instance.nodes().filter((n) => !nodeIds.has(n.id())).remove();
      instance.edges().filter((e) => !edgeIds.has(e.id())).remove();
      const added = graph.nodes.filter((n) => instance.getElementById(n.id).empty());
      // New nodes of an expansion start around the node expanded, so the layout moves them little.
      const anchor = instance.getElementById(expanded[expanded.length - 1] ?? id);
      const around = anchor.nonempty() ? anchor.position() : null;
      instance.add(
        added.map((n, i) => ({
          group: 'nodes' as const,
          ...(around ? { position: { x: around.x + 80 * Math.cos(i), y: around.y + 80 * Math.sin(i) } } : {}),
          data: { id: n.id, label: labelOf(n).slice(0, 48), type: n.__typename, side: n.__typename === 'Actor' || n.__typename === 'Unit' ? (n.side ?? 'UNKNOWN') : undefined },
        })),
      );
      instance.add(
        graph.edges
          .filter((e) => instance.getElementById(edgeKey(e)).empty())
          .map((e) => ({ group: 'edges' as const, data: { id: edgeKey(e), source: e.from, target: e.to, type: e.type } })),
      );
      instance.nodes().removeClass('start expanded');
      instance.getElementById(id).addClass('start');
      for (const x of expanded) instance.getElementById(x).addClass('expanded');
    });
    if (graph.nodes.length) {
      const fresh = !drawn.current;
      instance.layout({ name: 'cose', animate: false, randomize: fresh, nodeRepulsion: () => 40_000, idealEdgeLength: () => 120, nodeOverlap: 20, padding: 30, numIter: 1500 } as cytoscape.LayoutOptions).run();
      drawn.current = true;
    }
    container.current?.setAttribute('data-nodes', String(instance.nodes().length));
    container.current?.setAttribute('data-edges', String(instance.edges().length));
  }, [graph, id, expanded]);

  const setParam = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) (v === null ? next.delete(k) : next.set(k, v));
    setParams(next);
  };

  const doExport = async () => {
    setExportError(null);
    setExporting(format);
    try {
      const seeds = graph.nodes.map((n) => n.id).slice(0, MAX_EXPORT_NODES);
      // Exactly what is shown: the user picked these nodes, and tools like Gephi should get the same picture.
      const { blob, filename } = await exportSubgraph(format, { seeds, depth: 0, closure: 'none' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setExportError(e instanceof ApiError ? e : new ApiError('CLIENT_ERROR', String(e), 0));
    } finally {
      setExporting(null);
    }
  };

  return (
    <div className="graph-view">
      <h1>Graph</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (input.trim()) setParams({ id: input.trim(), depth: String(depth) });
        }}
      >
        <label>
          start node (id)
          <input value={input} placeholder="place:kupyansk" onChange={(e) => setInput(e.target.value)} />
        </label>
        <label>
          depth
          <select value={depth} onChange={(e) => setParam({ depth: e.target.value })} aria-label="depth">
            {[1, 2, 3].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Draw</button>
        {expanded.length > 0 && (
          <button type="button" onClick={() => setParam({ expand: null })}>
            Collapse expansions
          </button>
        )}
      </form>
      <p className="hint muted">Click a node to expand it, double-click to open its page; drag to move, scroll to zoom.</p>
      {error && <ErrorBox error={error} />}
      {loading && <Loading what="the neighbourhood" />}
      {unknownStart && <p role="alert">Nothing has the id <code>{id}</code> (or your key may not see it).</p>}
      <div className="graph-layout">
        <div className="graph-canvas" ref={container} data-testid="graph-canvas" />
        <aside className="graph-side">
          <p data-testid="graph-count">
            {graph.nodes.length} nodes, {graph.edges.length} relationships{graph.truncated ? ' (cut short by the node limit)' : ''}
          </p>
          <div className="export">
            <label>
              export as{' '}
              <select value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} aria-label="export format">
                {EXPORT_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {f === 'csv' ? 'csv (zip)' : f}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button type="button" disabled={!graph.nodes.length || exporting !== null} onClick={doExport}>
              {exporting ? 'Exporting…' : 'Export shown'}
            </button>
            {exportError && <ErrorBox error={exportError} />}
          </div>
          <details className="legend-box">
            <summary>Legend</summary>
            <ul className="graph-legend">
              {Object.entries(NODE_STYLE).map(([label, s]) => (
                <li key={label}>
                  <span className="swatch" style={{ background: s.color }} /> {label}
                </li>
              ))}
              {Object.entries(EDGE_STYLE).map(([type, s]) => (
                <li key={type}>
                  <span className="line" style={{ borderTop: `3px ${s.line} ${s.color}` }} /> {type}
                </li>
              ))}
            </ul>
          </details>
          <ul className="graph-nodes">
            {graph.nodes.map((n) => (
              <li key={n.id} data-id={n.id}>
                <span className="swatch" style={{ background: NODE_STYLE[n.__typename]?.color }} />{' '}
                <a
                  href={entityPath(n.id)}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(entityPath(n.id));
                  }}
                >
                  {labelOf(n)}
                </a>
                {n.id !== id && !expanded.includes(n.id) && (
                  <button type="button" className="small" onClick={() => setParam({ expand: [...expanded, n.id].join(',') })} aria-label={`Expand ${labelOf(n)}`}>
                    +
                  </button>
                )}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
