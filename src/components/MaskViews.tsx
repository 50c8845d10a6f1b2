import { useEffect, useRef } from 'react';
import type { MaskView } from '../engine/trainer';
import { selectMasks, selectRunConfig, useStore } from '../state';

type Layer = MaskView['layers'][number];

/**
 * absent, active, pruned at the last update, regrown at it, pruned and regrown in the same
 * place (shown as regrown) (RGB).
 */
const PALETTE: [number, number, number][] = [
  [243, 244, 246],
  [55, 65, 81],
  [220, 38, 38],
  [22, 163, 74],
  [22, 163, 74],
];
/** Between the per-unit tiles, so 300 receptive fields read as 300 pictures, not noise. */
const GAP: [number, number, number] = [156, 163, 175];

/** Writes one RGBA pixel without allocating (a mask has up to millions of them). */
function put(data: Uint8ClampedArray, at: number, [r, g, b]: readonly number[]): void {
  data[at] = r;
  data[at + 1] = g;
  data[at + 2] = b;
  data[at + 3] = 255;
}

function useCanvas(draw: (ctx: CanvasRenderingContext2D) => void, deps: unknown[]) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) draw(ctx);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return ref;
}

/** The whole [rows][cols] mask, one pixel a weight. */
function Heatmap({ layer }: { layer: Layer }) {
  const ref = useCanvas(
    (ctx) => {
      const img = ctx.createImageData(layer.cols, layer.rows);
      for (let i = 0; i < layer.state.length; i++) put(img.data, i * 4, PALETTE[layer.state[i]]);
      ctx.putImageData(img, 0, 0);
    },
    [layer],
  );
  return (
    <canvas
      ref={ref}
      width={layer.cols}
      height={layer.rows}
      className="mask-canvas"
      style={{ height: Math.max(40, Math.min(220, layer.rows)) }}
      role="img"
      aria-label={`${layer.name} mask, ${layer.rows} by ${layer.cols}`}
      data-testid={`mask-${layer.name}`}
    />
  );
}

/**
 * Tiles of `side` x `side`: for an MNIST MLP's first layer, the pixels each hidden unit still
 * listens to; for a conv layer, each filter (k x k, summed over input channels), empty
 * filters outlined in red.
 */
function Tiles({ layer, side, depth }: { layer: Layer; side: number; depth: number }) {
  const per = Math.ceil(Math.sqrt(layer.rows * 1.5));
  const gap = side >= 10 ? 3 : 1;
  const cell = side + gap;
  const width = per * cell;
  const height = Math.ceil(layer.rows / per) * cell;
  const ref = useCanvas(
    (ctx) => {
      const img = ctx.createImageData(width, height);
      for (let i = 0; i < width * height; i++) put(img.data, i * 4, GAP);
      for (let u = 0; u < layer.rows; u++) {
        const ox = (u % per) * cell;
        const oy = Math.floor(u / per) * cell;
        let any = false;
        for (let p = 0; p < side * side; p++) {
          let active = 0;
          let changed = 0;
          for (let c = 0; c < depth; c++) {
            const s = layer.state[u * layer.cols + p * depth + c];
            if (s === 1 || s >= 3) active++;
            if (s === 2) changed ||= 2;
            if (s >= 3) changed = 3;
          }
          if (active > 0) any = true;
          const color =
            changed && active === 0
              ? PALETTE[2]
              : changed === 3
                ? PALETTE[3]
                : active > 0
                  ? PALETTE[1].map((v) => 255 - (255 - v) * (active / depth))
                  : PALETTE[0];
          put(img.data, ((oy + Math.floor(p / side)) * width + ox + (p % side)) * 4, color);
        }
        if (!any && side > 1) {
          for (let k = 0; k < side; k++) {
            put(img.data, (oy * width + ox + k) * 4, PALETTE[2]);
            put(img.data, ((oy + side - 1) * width + ox + k) * 4, PALETTE[2]);
          }
        }
      }
      ctx.putImageData(img, 0, 0);
    },
    [layer],
  );
  return (
    <canvas
      ref={ref}
      width={width}
      height={height}
      className="mask-tiles"
      style={{ width: Math.min(560, width * (side < 10 ? 6 : 1.5)) }}
      role="img"
      aria-label={`${layer.name}: one ${side}x${side} tile per output`}
      data-testid={`tiles-${layer.name}`}
    />
  );
}

function counts(layer: Layer): [number, number, number] {
  let active = 0;
  let pruned = 0;
  let regrown = 0;
  for (const s of layer.state) {
    if (s === 1 || s >= 3) active++;
    if (s === 2 || s === 4) pruned++;
    if (s >= 3) regrown++;
  }
  return [active, pruned, regrown];
}

/** Per-layer masks after the last update: pruned in red, regrown in green. */
export function MaskViews() {
  const view = useStore(selectMasks);
  const config = useStore(selectRunConfig);
  if (!view || !config || config.method === 'dense' || config.density >= 1) return null;
  return (
    <section className="panel masks" data-testid="mask-views" aria-label="Masks">
      <h2>Masks</h2>
      <p className="caption">
        Each pixel is a weight: <span className="swatch active" /> exists,{' '}
        <span className="swatch pruned" /> pruned and <span className="swatch regrown" /> regrown by
        the update at step {view.globalStep}, light: missing. Rows are a layer's outputs.
      </p>
      {view.layers.map((layer, i) => {
        const [active, pruned, regrown] = counts(layer);
        const mnistFirst =
          i === 0 && layer.kernel === 0 && config.dataset === 'mnist' && layer.cols === 784;
        return (
          <div key={layer.name} className="mask-layer">
            <h3>
              {layer.name}: {active.toLocaleString()} of {layer.state.length.toLocaleString()}{' '}
              weights
              {view.globalStep > 0 && ` (−${pruned.toLocaleString()} +${regrown.toLocaleString()})`}
            </h3>
            <Heatmap layer={layer} />
            {mnistFirst && (
              <>
                <p className="caption">
                  Which pixels each hidden unit still listens to (28x28 per unit):
                </p>
                <Tiles layer={layer} side={28} depth={1} />
              </>
            )}
            {layer.kernel > 0 && (
              <>
                <p className="caption">
                  Filters ({layer.kernel}x{layer.kernel}, darker = more input channels kept); a red
                  outline is an empty filter, skippable.
                </p>
                <Tiles layer={layer} side={layer.kernel} depth={layer.inChannels} />
              </>
            )}
          </div>
        );
      })}
    </section>
  );
}
