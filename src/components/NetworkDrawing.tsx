import { memo, useEffect, useRef, useState } from 'react';
import { selectNetwork, useStore, type NetworkPicture } from '../state';
import { REDRAW_MS, useThrottled } from './useThrottled';

const TOP = 56;
const BOTTOM = 34;
const NODE_W = 14;
/** The widest bundle, in drawing units; every bundle is drawn on this one scale. */
const MAX_STROKE = 9;
/** Removed and regrown connections while updates outpace their flash: shown, not animated. */
const STEADY = { animation: 'none', strokeOpacity: 0.6 };

const percent = (d: number) => `${(d * 100).toFixed(d < 0.1 ? 1 : 0)}%`;
const count = (n: number) => n.toLocaleString('en-US');

/** The element's size in CSS pixels, so the drawing is made at its real size (text stays legible). */
function useSize<T extends HTMLElement>(): [React.RefObject<T | null>, { w: number; h: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      setSize({ w: Math.round(width), h: Math.round(height) });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, size];
}

/** One sentence a screen reader says for the whole drawing. */
function describe(p: NetworkPicture): string {
  const parts = p.columns.map((c, i) =>
    i === 0
      ? `input, ${c.units} ${c.unitWord}`
      : `${c.name}, ${c.units} ${c.unitWord}, ${count(p.layers[i - 1].active)} connections (${percent(p.layers[i - 1].density)})`,
  );
  return `The network: ${parts.join(' → ')}.`;
}

/**
 * The network as a picture: the input and each layer's outputs as columns of unit groups, and
 * between them bundles as thick as the number of connections that exist. At a mask update the
 * removed connections flash red and the regrown ones green, then fade (held steady while
 * updates come faster than a flash lasts); the labels say how the budget moved. It draws only
 * what the store holds (the engine's masks and update report), at most every REDRAW_MS / 2.
 */
export function NetworkDrawing() {
  // Twice as often as the charts: it is the page's picture of the run.
  const picture = useThrottled(useStore(selectNetwork), REDRAW_MS / 2);
  const [box, size] = useSize<HTMLDivElement>();
  return (
    <section
      className="panel network"
      data-testid="network"
      data-panel="network"
      aria-label="The network"
    >
      <h2>The network</h2>
      <p className="caption">
        Bundles of connections: thicker = more of them, darker = a larger share of the possible
        ones. At a mask update <span className="word-pruned">red</span> = removed,{' '}
        <span className="word-regrown">green</span> = regrown.
      </p>
      <div className="network-box" ref={box}>
        {!picture ? (
          <div className="empty">Appears when the run starts.</div>
        ) : (
          size.w > 0 && <Picture picture={picture} width={size.w} height={size.h} />
        )}
      </div>
    </section>
  );
}

const Picture = memo(function Picture({
  picture: p,
  width: W,
  height: H,
}: {
  picture: NetworkPicture;
  width: number;
  height: number;
}) {
  const n = p.columns.length;
  // Between close columns (a phone, a projector) the long label would run into its neighbour.
  const shareWord = (W - 72) / Math.max(1, n - 1) < 150 ? 'share' : 'regrowth share';
  const columnX = (i: number) => 36 + (i * (W - 72)) / Math.max(1, n - 1);
  const groupY = (g: number, groups: number) => TOP + ((g + 0.5) * (H - TOP - BOTTOM)) / groups;
  const scale = p.maxBundle > 0 ? MAX_STROKE / p.maxBundle : 0;
  const width = (k: number) => (k > 0 ? Math.max(0.5, k * scale) : 0);
  const flash = p.steady ? STEADY : undefined;
  return (
    <svg
      className="network-svg"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={describe(p)}
    >
      {p.layers.map((layer, li) => {
        const from = p.columns[li];
        const to = p.columns[li + 1];
        const x1 = columnX(li) + NODE_W / 2;
        const x2 = columnX(li + 1) - NODE_W / 2;
        const line = (b: { from: number; to: number }) => ({
          x1,
          x2,
          y1: groupY(b.from, from.groups),
          y2: groupY(b.to, to.groups),
        });
        const pruned = layer.bundles.reduce((s, b) => s + b.pruned, 0);
        const regrown = layer.bundles.reduce((s, b) => s + b.regrown, 0);
        return (
          <g
            key={layer.name}
            data-layer={layer.name}
            data-active={layer.active}
            data-pruned={pruned}
            data-regrown={regrown}
          >
            {layer.bundles.map((b) =>
              b.active > 0 ? (
                <line
                  key={`a${b.from}-${b.to}`}
                  className="net-bundle"
                  strokeWidth={width(b.active)}
                  strokeOpacity={0.06 + 0.94 * (b.active / b.possible)}
                  {...line(b)}
                />
              ) : null,
            )}
            {/* Keyed by the update's step, so each update restarts the flash (unless steady). */}
            <g key={p.steady ? 'steady' : p.globalStep} className="net-flash">
              {layer.bundles.map((b) =>
                b.pruned > 0 ? (
                  <line
                    key={`p${b.from}-${b.to}`}
                    className="net-pruned"
                    style={flash}
                    strokeWidth={width(b.pruned)}
                    {...line(b)}
                  />
                ) : null,
              )}
              {layer.bundles.map((b) =>
                b.regrown > 0 ? (
                  <line
                    key={`r${b.from}-${b.to}`}
                    className="net-regrown"
                    style={flash}
                    strokeWidth={width(b.regrown)}
                    {...line(b)}
                  />
                ) : null,
              )}
            </g>
            <text className="net-layer-label" x={(x1 + x2) / 2} y={14} textAnchor="middle">
              {layer.name} · {percent(layer.density)}
            </text>
            {layer.momentumShare !== null && (
              <text className="net-layer-sub" x={(x1 + x2) / 2} y={29} textAnchor="middle">
                {shareWord} {layer.momentumShare.toFixed(2)}
              </text>
            )}
            {pruned + regrown > 0 && (
              <text className="net-layer-sub" x={(x1 + x2) / 2} y={43} textAnchor="middle">
                <tspan className="net-text-pruned">−{count(pruned)}</tspan>{' '}
                <tspan className="net-text-regrown">+{count(regrown)}</tspan>
              </text>
            )}
          </g>
        );
      })}
      {p.columns.map((c, ci) => {
        const x = columnX(ci);
        const span = (H - TOP - BOTTOM) / c.groups;
        const h = Math.max(2, Math.min(18, span - 3));
        return (
          <g key={c.name} data-column={c.name}>
            {c.empty.map((empty, g) => (
              <rect
                key={g}
                className={empty ? 'net-node empty' : 'net-node'}
                x={x - NODE_W / 2}
                y={groupY(g, c.groups) - h / 2}
                width={NODE_W}
                height={h}
                rx={3}
              />
            ))}
            <text className="net-col-label" x={x} y={H - 18} textAnchor="middle">
              {c.units}
            </text>
            <text className="net-col-sub" x={x} y={H - 4} textAnchor="middle">
              {ci === 0 ? c.unitWord : c.name}
              {c.emptyUnits ? ` (${c.emptyUnits} empty)` : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
});
