import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { entityPath, sideClass } from '../components/common';
import { barOf, dayScale, ticks, type Precision } from './timelineLayout';

export interface TimelineClaimView {
  id: string;
  label: string;
  speaker: string;
  side: string | null;
  start: string;
  end: string;
  precision: Precision;
  raw: string | null;
}

export interface StanceLink {
  from: string;
  to: string;
  kind: 'CONTRADICTS' | 'SUPPORTS' | 'DISPUTES';
  note: string | null;
}

const ROW = 26;
const TOP = 34;
const LABEL_MAX = 60;

const shorten = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Claims on a shared day axis, one row each, drawn over their whole span: a day is a thin solid bar, a week
 * a half-filled one, a month a faint dashed one — the precision is visible at a glance. Colour is the
 * speaker's side; curves between rows are the stance edges (contradicts, disputes, supports).
 */
export function Timeline({ claims, stances, highlight }: { claims: TimelineClaimView[]; stances: StanceLink[]; highlight?: string }) {
  const navigate = useNavigate();
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(640, el.clientWidth)));
    observer.observe(el);
    setWidth(Math.max(640, el.clientWidth));
    return () => observer.disconnect();
  }, []);

  const right = width - 16;
  const scale = useMemo(() => dayScale(claims, 16, right), [claims, right]);
  const tickList = useMemo(() => ticks(scale), [scale]);
  const row = new Map(claims.map((c, i) => [c.id, i]));
  const height = TOP + claims.length * ROW + 12;
  const shown = stances.filter((s) => row.has(s.from) && row.has(s.to) && s.from !== s.to);

  return (
    <div className="timeline" ref={box}>
      <svg width={width} height={height} role="img" aria-label={`Timeline of ${claims.length} claims`} data-testid="timeline">
        <defs>
          {(['CONTRADICTS', 'DISPUTES', 'SUPPORTS'] as const).map((k) => (
            <marker key={k} id={`arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className={`stance-head stance-${k}`} />
            </marker>
          ))}
        </defs>
        <g className="axis">
          {tickList.map((t) => (
            <g key={t.day} transform={`translate(${scale.x(t.day)},0)`}>
              <line y1={TOP - 6} y2={height - 8} className={t.major ? 'tick major' : 'tick'} />
              <text y={TOP - 12} className={t.major ? 'tick-label major' : 'tick-label'}>
                {t.label}
              </text>
            </g>
          ))}
        </g>
        {claims.map((c, i) => {
          const { x, width: w } = barOf(c, scale);
          const y = TOP + i * ROW;
          const labelLeft = x + w + 6 > right - 220;
          return (
            <a
              key={c.id}
              href={entityPath(c.id)}
              onClick={(e) => {
                e.preventDefault();
                navigate(entityPath(c.id));
              }}
              className={`claim ${sideClass(c.side)} precision-${c.precision}${highlight === c.id ? ' highlight' : ''}`}
              data-id={c.id}
              data-precision={c.precision}
              data-side={c.side ?? 'UNKNOWN'}
              data-start={c.start}
              data-end={c.end}
              aria-label={`${c.raw ?? c.start} (${c.precision.toLowerCase()}, ${c.start}–${c.end}), ${c.speaker}: ${c.label}`}
            >
              <title>{`${c.raw ?? ''} ${c.start}${c.start === c.end ? '' : `–${c.end}`} · ${c.speaker} (${c.side ?? 'UNKNOWN'})\n${c.label}`}</title>
              <rect x={x} y={y + 4} width={w} height={ROW - 8} rx={c.precision === 'DAY' ? 2 : 4} className="bar" />
              <text x={labelLeft ? x - 6 : x + w + 6} y={y + ROW / 2 + 4} textAnchor={labelLeft ? 'end' : 'start'} className="bar-label">
                {shorten(`${c.speaker}: ${c.label}`, LABEL_MAX)}
              </text>
            </a>
          );
        })}
        <g className="stances">
          {shown.map((s) => {
            const a = claims[row.get(s.from)!];
            const b = claims[row.get(s.to)!];
            const ba = barOf(a, scale);
            const bb = barOf(b, scale);
            const x1 = ba.x + ba.width / 2;
            const x2 = bb.x + bb.width / 2;
            const y1 = TOP + row.get(s.from)! * ROW + ROW / 2;
            const y2 = TOP + row.get(s.to)! * ROW + ROW / 2;
            const bow = 30 + Math.abs(y2 - y1) * 0.35;
            return (
              <path
                key={`${s.kind}|${s.from}|${s.to}`}
                d={`M ${x1} ${y1} C ${x1 - bow} ${y1}, ${x2 - bow} ${y2}, ${x2 - 2} ${y2}`}
                className={`stance stance-${s.kind}`}
                markerEnd={`url(#arrow-${s.kind})`}
                data-kind={s.kind}
                data-from={s.from}
                data-to={s.to}
              >
                <title>{`${s.kind.toLowerCase()}${s.note ? `: ${s.note}` : ''}`}</title>
              </path>
            );
          })}
        </g>
      </svg>
      <TimelineLegend />
    </div>
  );
}

export function TimelineLegend() {
  return (
    <div className="legend" aria-label="Legend">
      <span className="legend-item">
        <svg width="28" height="12"><rect className="bar legend-bar precision-DAY" x="11" y="1" width="6" height="10" /></svg> day
      </span>
      <span className="legend-item">
        <svg width="28" height="12"><rect className="bar legend-bar precision-WEEK" x="1" y="1" width="26" height="10" /></svg> week
      </span>
      <span className="legend-item">
        <svg width="28" height="12"><rect className="bar legend-bar precision-MONTH" x="1" y="1" width="26" height="10" /></svg> month / year
      </span>
      <span className="legend-item"><span className="swatch side-RU" /> RU</span>
      <span className="legend-item"><span className="swatch side-UA" /> UA</span>
      <span className="legend-item"><span className="swatch side-NEUTRAL" /> neutral</span>
      <span className="legend-item"><span className="swatch side-UNKNOWN" /> unknown</span>
      <span className="legend-item"><span className="line stance-CONTRADICTS" /> contradicts</span>
      <span className="legend-item"><span className="line stance-DISPUTES" /> disputes</span>
      <span className="legend-item"><span className="line stance-SUPPORTS" /> supports</span>
    </div>
  );
}
