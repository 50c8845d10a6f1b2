import { memo, useEffect, useRef } from 'react';
import type { MaskView } from '../engine/trainer';
import type { ExperimentConfig } from '../config';
import { selectMasks, selectRunConfig, useStore } from '../state';
import { REDRAW_MS, useThrottled } from './useThrottled';

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

/** A colour as one RGBA pixel in the platform's byte order, to fill images a word at a time. */
function packed([r, g, b]: readonly number[]): number {
  return new Uint32Array(new Uint8ClampedArray([r, g, b, 255]).buffer)[0];
}
const PACKED = PALETTE.map(packed);
const GAP_PACKED = packed(GAP);

/**
 * Canvases with more pixels than this (a 4096-wide layer has 16 million) are drawn only while
 * on screen and at most once every BIG_DRAW_MS: one such draw takes a noticeable moment, and
 * a run that updates its mask every step would otherwise redraw them back to back.
 */
const BIG_PIXELS = 1 << 20;
const BIG_DRAW_MS = 1000;

/** Draws `draw` on the canvas whenever `key` changes (big canvases: see BIG_PIXELS). */
function useCanvas(draw: (ctx: CanvasRenderingContext2D) => void, key: unknown, pixels: number) {
  const ref = useRef<HTMLCanvasElement>(null);
  const lastDraw = useRef(-Infinity);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    if (pixels <= BIG_PIXELS) {
      draw(ctx);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new IntersectionObserver(([entry]) => {
      clearTimeout(timer);
      if (!entry?.isIntersecting) return;
      const wait = Math.max(0, lastDraw.current + BIG_DRAW_MS - performance.now());
      timer = setTimeout(() => {
        observer.disconnect();
        lastDraw.current = performance.now();
        draw(ctx);
      }, wait);
    });
    observer.observe(canvas);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return ref;
}

/** The whole [rows][cols] mask, one pixel a weight. */
function Heatmap({ layer }: { layer: Layer }) {
  const ref = useCanvas(
    (ctx) => {
      const img = ctx.createImageData(layer.cols, layer.rows);
      const px = new Uint32Array(img.data.buffer);
      const { state } = layer;
      for (let i = 0; i < state.length; i++) px[i] = PACKED[state[i]];
      ctx.putImageData(img, 0, 0);
    },
    layer,
    layer.cols * layer.rows,
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
      const px = new Uint32Array(img.data.buffer);
      px.fill(GAP_PACKED);
      // Grey by the share of input channels kept: one colour per count, made once.
      const shades = Array.from({ length: depth + 1 }, (_, active) =>
        active === 0
          ? PACKED[0]
          : packed(PALETTE[1].map((v) => 255 - (255 - v) * (active / depth))),
      );
      const { state, cols } = layer;
      for (let u = 0; u < layer.rows; u++) {
        const ox = (u % per) * cell;
        const oy = Math.floor(u / per) * cell;
        let any = false;
        for (let p = 0; p < side * side; p++) {
          let active = 0;
          let changed = 0;
          for (let c = 0; c < depth; c++) {
            const s = state[u * cols + p * depth + c];
            if (s === 1 || s >= 3) active++;
            if (s === 2) changed ||= 2;
            if (s >= 3) changed = 3;
          }
          if (active > 0) any = true;
          px[(oy + Math.floor(p / side)) * width + ox + (p % side)] =
            changed && active === 0 ? PACKED[2] : changed === 3 ? PACKED[3] : shades[active];
        }
        if (!any && side > 1) {
          for (let k = 0; k < side; k++) {
            px[oy * width + ox + k] = PACKED[2];
            px[(oy + side - 1) * width + ox + k] = PACKED[2];
          }
        }
      }
      ctx.putImageData(img, 0, 0);
    },
    layer,
    width * height,
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

/** Active, pruned and regrown weights: one tally of the five states, in one indexed pass. */
function counts(layer: Layer): [number, number, number] {
  const tally = [0, 0, 0, 0, 0];
  const { state } = layer;
  for (let i = 0; i < state.length; i++) tally[state[i]]++;
  return [tally[1] + tally[3] + tally[4], tally[2] + tally[4], tally[3] + tally[4]];
}

/**
 * Per-layer masks after the last update: pruned in red, regrown in green. Only the latest
 * masks are drawn, at most every REDRAW_MS / 2 (a mask update every step would otherwise
 * repaint every canvas at every flush); each layer redraws only when its own mask changed.
 */
export function MaskViews() {
  const view = useThrottled(useStore(selectMasks), REDRAW_MS / 2);
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
      {config.structure === 'fanin' && (
        <p className="caption" data-testid="mask-structure">
          Constant fan-in: every output (row) keeps the same number of inputs, stored as ELL;{' '}
          {view.layers.map((l) => `${l.name} ${l.fanIn ?? '?'}`).join(' · ')} inputs per output.
        </p>
      )}
      {config.structure === 'nm' && (
        <p className="caption" data-testid="mask-structure">
          N:M: at most N of every {config.nm_group} consecutive inputs of an output, N per layer
          from its count (groups may hold fewer);{' '}
          {view.layers.map((l) => `${l.name} ${l.nm ? `${l.nm.n}:${l.nm.m}` : '?'}`).join(' · ')}.
        </p>
      )}
      {view.layers.map((layer, i) => (
        <LayerMask
          key={layer.name}
          layer={layer}
          first={i === 0}
          updated={view.globalStep > 0}
          dataset={config.dataset}
        />
      ))}
    </section>
  );
}

const LayerMask = memo(function LayerMask({
  layer,
  first,
  updated,
  dataset,
}: {
  layer: Layer;
  first: boolean;
  updated: boolean;
  dataset: ExperimentConfig['dataset'];
}) {
  const [active, pruned, regrown] = counts(layer);
  const mnistFirst = first && layer.kernel === 0 && dataset === 'mnist' && layer.cols === 784;
  return (
    <div className="mask-layer">
      <h3>
        {layer.name}: {active.toLocaleString()} of {layer.state.length.toLocaleString()} weights
        {updated && ` (−${pruned.toLocaleString()} +${regrown.toLocaleString()})`}
        {layer.fanIn !== undefined && `, fan-in ${layer.fanIn} × ${layer.rows} outputs`}
        {layer.nm && `, N:M ${layer.nm.n}:${layer.nm.m}`}
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
});
