import { memo, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { IdleMap } from './idle.js';
import { describeMarker, layoutMarkers, type Marker } from './markers.js';
import type { ReplaySession } from './session.js';
import { formatOffset } from './time.js';

/** Columns of the per-person activity lanes. */
const LANE_BUCKETS = 240;

interface TimelineProps {
  session: ReplaySession;
  t: number;
  idle: IdleMap;
  /** already filtered by participant */
  markers: readonly Marker[];
  /** the participant filter (null = everyone) */
  who: string | null;
  onSeek: (t: number) => void;
}

const percentAt = (x: number, start: number, span: number) => `${(((x - start) / span) * 100).toFixed(3)}%`;

/**
 * Markers above per-person activity lanes (coloured by author, denser = more edits), the
 * playhead, and the scrubber. Hovering a marker says what happened; clicking seeks there.
 */
export function Timeline({ session, t, idle, markers, who, onSeek }: TimelineProps) {
  const { start, end } = session;
  const span = Math.max(1, end - start);
  const pos = (x: number) => percentAt(x, start, span);
  const track = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<Marker | null>(null);
  // Marker layout is in pixels (a burst is what would overlap at this width): follow the width.
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = track.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  const lanes = useMemo(() => {
    const people = session.participants.filter((p) => who === null || p.key === who);
    return people.map((p) => {
      const counts = new Uint32Array(LANE_BUCKETS);
      let edits = 0;
      for (const e of session.edits) {
        if (e.who !== p.key) continue;
        edits++;
        counts[Math.min(LANE_BUCKETS - 1, Math.floor(((e.t - start) / span) * LANE_BUCKETS))]!++;
      }
      const max = Math.max(1, ...counts);
      return { p, edits, counts, max };
    });
  }, [session, who, start, span]);

  const seekAt = (event: MouseEvent<HTMLDivElement>) => {
    const rect = track.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    onSeek(start + ((event.clientX - rect.left) / rect.width) * span);
  };

  return (
    <div className="replay-timeline" data-testid="replay-timeline">
      <div className="replay-legend" aria-label="Who">
        <span className="replay-legend-row replay-legend-markers muted small">Events</span>
        {lanes.map(({ p, edits }) => (
          <span key={p.key} className="replay-legend-row small" title={`${p.label}: ${edits} edits`} data-testid="replay-author">
            <span className="replay-swatch" style={{ background: p.color }} aria-hidden="true" />
            <span className="replay-legend-name">{p.label}</span>
          </span>
        ))}
      </div>
      <div className="replay-track-column">
        <div className="replay-track" ref={track} onClick={seekAt}>
          {idle.gaps.map(([a, b]) => (
            <span key={a} className="replay-idle" style={{ left: pos(a), width: `${(((b - a) / span) * 100).toFixed(3)}%` }} title="Idle: skipped quickly" />
          ))}
          <MarkerRow markers={markers} start={start} span={span} width={width} onHover={setHover} onSeek={onSeek} />
          <Lanes lanes={lanes} />
          <span className="replay-playhead" style={{ left: pos(t) }} aria-hidden="true" />
          {hover && (
            <span className="replay-tooltip" style={{ left: pos(hover.t) }} role="tooltip" data-testid="replay-tooltip">
              <span className="mono">{formatOffset(hover.t - start)}</span> {describeMarker(hover)}
              {hover.who && <span className="muted"> · {session.participant(hover.who)?.label ?? ''}</span>}
            </span>
          )}
        </div>
        <input
          type="range"
          className="replay-scrubber"
          data-testid="replay-scrubber"
          aria-label="Playhead"
          aria-valuetext={formatOffset(t - start)}
          min={0}
          max={span}
          step={100}
          value={Math.round(t - start)}
          onChange={(e) => onSeek(start + Number(e.currentTarget.value))}
        />
        {session.edits.length === 0 && session.recording.events.length === 0 && (
          <p className="muted small replay-empty">Nothing has been recorded in this room yet.</p>
        )}
      </div>
    </div>
  );
}

interface MarkerRowProps {
  markers: readonly Marker[];
  start: number;
  span: number;
  /** the track's width in px (0 before the first layout) */
  width: number;
  onHover: (update: (current: Marker | null) => Marker | null) => void;
  onSeek: (t: number) => void;
}

/**
 * Memoised: the playhead moves every frame while playing; the markers do not. A burst of markers
 * (closer than a slot at this width) is a group: a bracket under markers laid side by side, each
 * still its own button seeking to its own time (markers.ts layoutMarkers).
 */
const MarkerRow = memo(function MarkerRow({ markers, start, span, width, onHover, onSeek }: MarkerRowProps) {
  const { placed, groups } = useMemo(() => layoutMarkers(markers, start, span, width || 1000), [markers, start, span, width]);
  const left = (x: number) => (width > 0 ? `${x.toFixed(1)}px` : percentAt(start + (x / 1000) * span, start, span));
  return (
    <div className="replay-marker-row">
      {groups.map((g, i) =>
        g.count > 1 ? (
          <span
            key={`group-${i}`}
            className="replay-marker-group"
            data-testid="replay-marker-group"
            data-count={g.count}
            style={{ left: left(g.from - 5), width: `${(g.to - g.from + 10).toFixed(1)}px` }}
            title={`${g.count} events close together`}
            aria-hidden="true"
          />
        ) : null,
      )}
      {placed.map(({ marker: m, x }, i) => (
        <button
          key={`${m.kind}-${m.t}-${i}`}
          type="button"
          className={`replay-marker replay-marker-${m.kind}${m.pass === undefined ? '' : m.pass ? ' replay-marker-pass' : ' replay-marker-fail'}`}
          style={{ left: left(x) }}
          data-testid="replay-marker"
          data-kind={m.kind}
          data-t-ms={Math.round(m.t - start)}
          aria-label={`${formatOffset(m.t - start)} ${describeMarker(m)}`}
          onMouseEnter={() => onHover(() => m)}
          onMouseLeave={() => onHover((h) => (h === m ? null : h))}
          onFocus={() => onHover(() => m)}
          onBlur={() => onHover((h) => (h === m ? null : h))}
          onClick={(event) => {
            event.stopPropagation();
            onSeek(m.t);
          }}
        />
      ))}
    </div>
  );
});

interface Lane {
  p: { key: string; color: string };
  counts: Uint32Array;
  max: number;
}

const Lanes = memo(function Lanes({ lanes }: { lanes: readonly Lane[] }) {
  return (
    <>
      {lanes.map(({ p, counts, max }) => (
        <svg key={p.key} className="replay-lane" viewBox={`0 0 ${LANE_BUCKETS} 1`} preserveAspectRatio="none" aria-hidden="true">
          {Array.from(counts, (n, i) =>
            n === 0 ? null : <rect key={i} x={i} y={0} width={1.02} height={1} fill={p.color} opacity={0.25 + (0.75 * Math.log1p(n)) / Math.log1p(max)} />,
          )}
        </svg>
      ))}
    </>
  );
});
