import { Link, useParams } from 'react-router';
import { useQuery } from '../api/useApi';
import {
  ACTOR_MEMBERS,
  ACTOR_MEMBERSHIPS,
  ACTOR_UNITS,
  NODE,
  PLACE_CHILDREN,
  SOURCE_CITED_BY,
  SOURCE_CITES,
  SOURCE_GEOLOCATED,
  UNIT_MEMBERS,
  UNIT_SUBUNITS,
  type Ancestor,
  type NodeData,
} from '../api/queries';
import { DateText, ErrorBox, Loading, NodeLink, Properties, SideBadge, entityPath } from '../components/common';
import { RefList } from '../components/RefList';
import { SourceTimelineSection, TimelineSection } from '../timeline/TimelineSection';
import { StatementPage } from './StatementPage';
import { useTitle } from './useTitle';

/** /entity/:id — the page of a place, actor, unit, source or statement (its id says which). */
export function EntityView() {
  const id = decodeURIComponent(useParams().id ?? '');
  if (id.startsWith('statement:')) return <StatementPage id={id} key={id} />;
  return <NodePage id={id} key={id} />;
}

function Breadcrumb({ parent, self }: { parent: Ancestor | null; self: string }) {
  const chain: Ancestor[] = [];
  for (let p = parent; p; p = p.parent ?? null) chain.unshift(p);
  return (
    <nav className="breadcrumb" aria-label="Hierarchy">
      {chain.map((a) => (
        <span key={a.id}>
          <Link to={entityPath(a.id)}>{a.name}</Link> ›{' '}
        </span>
      ))}
      <span aria-current="page">{self}</span>
    </nav>
  );
}

function Actions({ id, map, contested }: { id: string; map?: boolean; contested?: boolean }) {
  const q = encodeURIComponent(id);
  return (
    <div className="actions">
      <Link to={`/graph?id=${q}`}>Graph</Link>
      {map && <Link to={`/map?within=${q}`}>Map</Link>}
      {contested !== false && <Link to={`/contested?about=${q}`}>Contested claims</Link>}
    </div>
  );
}

const aliases = (list: string[]) => (list.length ? <span className="aliases">{list.join(' · ')}</span> : null);

function NodePage({ id }: { id: string }) {
  const { data, error, loading } = useQuery<NodeData>(NODE, { id });
  const node = data?.node;
  useTitle(node ? ('name' in node ? node.name : 'title' in node ? node.title : id) : id);
  if (error) return <ErrorBox error={error} />;
  if (loading && !data) return <Loading what={id} />;
  if (!node) return <p role="alert">Nothing has the id <code>{id}</code> (or your key may not see it).</p>;

  switch (node.__typename) {
    case 'Place':
      return (
        <article className="entity" data-type="Place">
          <Breadcrumb parent={node.parent} self={node.name} />
          <h1>
            {node.name} <span className="kind">{node.placeKind.toLowerCase()}</span>
          </h1>
          <Actions id={id} map />
          <Properties
            rows={[
              ['id', <code>{node.id}</code>],
              ['aliases', aliases(node.aliases)],
              ['location', node.location && `${node.location.latitude}, ${node.location.longitude}${node.location.precisionM ? ` (± ${node.location.precisionM} m)` : ''}`],
              ['area', node.areaKm2 && `${node.areaKm2} km²`],
              ['description', node.description],
            ]}
          />
          <RefList title="Places within" query={PLACE_CHILDREN} id={id} pick={(d: { place: { children: never } | null }) => d.place?.children} />
          <TimelineSection id={id} />
        </article>
      );
    case 'Actor':
      return (
        <article className="entity" data-type="Actor">
          <h1>
            {node.name} <span className="kind">{node.actorKind.toLowerCase().replace('_', ' ')}</span> <SideBadge side={node.side} />
          </h1>
          <Actions id={id} />
          <Properties
            rows={[
              ['id', <code>{node.id}</code>],
              ['aliases', aliases(node.aliases)],
              ['side', node.side],
              ['description', node.description],
            ]}
          />
          <div className="columns">
            <RefList title="Member of" query={ACTOR_MEMBERSHIPS} id={id} pick={(d: { actor: { memberships: never } | null }) => d.actor?.memberships} />
            <RefList title="Members" query={ACTOR_MEMBERS} id={id} pick={(d: { actor: { members: never } | null }) => d.actor?.members} />
            <RefList title="Units" query={ACTOR_UNITS} id={id} pick={(d: { actor: { units: never } | null }) => d.actor?.units} />
          </div>
          <TimelineSection id={id} />
        </article>
      );
    case 'Unit':
      return (
        <article className="entity" data-type="Unit">
          <Breadcrumb parent={node.parent} self={node.name} />
          <h1>
            {node.name} <span className="kind">{node.echelon.toLowerCase().replace('_', ' ')}</span> <SideBadge side={node.side} />
          </h1>
          <Actions id={id} />
          <Properties
            rows={[
              ['id', <code>{node.id}</code>],
              ['aliases', aliases(node.aliases)],
              ['belongs to', node.belongsTo && <NodeLink node={node.belongsTo} />],
              ['description', node.description],
            ]}
          />
          <div className="columns">
            <RefList title="Sub-units" query={UNIT_SUBUNITS} id={id} pick={(d: { unit: { subUnits: never } | null }) => d.unit?.subUnits} />
            <RefList title="Members" query={UNIT_MEMBERS} id={id} pick={(d: { unit: { members: never } | null }) => d.unit?.members} />
          </div>
          <TimelineSection id={id} />
        </article>
      );
    case 'Source':
      return (
        <article className="entity" data-type="Source">
          <h1>
            {node.title} <span className="kind">{node.sourceKind.toLowerCase().replace('_', ' ')}</span>
          </h1>
          <Actions id={id} contested={false} />
          <Properties
            rows={[
              ['id', <code>{node.id}</code>],
              ['published', node.publishedAt && <DateText date={node.publishedAt} />],
              ['publisher', node.publisher && <NodeLink node={node.publisher} />],
              ['author', node.author && <NodeLink node={node.author} />],
              ['url', node.url && (<a className="url" href={node.url} target="_blank" rel="noreferrer noopener">{node.url}</a>)],
              ['language', node.language],
              ['reliability', node.reliability],
              ['description', node.description],
            ]}
          />
          <div className="columns">
            <RefList title="Cites" query={SOURCE_CITES} id={id} pick={(d: { source: { cites: never } | null }) => d.source?.cites} />
            <RefList title="Cited by" query={SOURCE_CITED_BY} id={id} pick={(d: { source: { citedBy: never } | null }) => d.source?.citedBy} />
            <RefList title="Geolocated at" query={SOURCE_GEOLOCATED} id={id} pick={(d: { source: { geolocatedAt: never } | null }) => d.source?.geolocatedAt} />
          </div>
          <SourceTimelineSection id={id} />
        </article>
      );
    default:
      return <StatementPage id={id} />;
  }
}
