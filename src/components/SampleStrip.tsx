import { useEffect, useRef } from 'react';
import { selectSamples, useStore } from '../state';
import { drawPixels } from './pixels';

const SCALE = 2;

/** One training image drawn from its HWC bytes (grey for one channel), with its label. */
function Sample({ index }: { index: number }) {
  const samples = useStore(selectSamples)!;
  const ref = useRef<HTMLCanvasElement>(null);
  const { height, width, channels } = samples;
  useEffect(
    () => drawPixels(ref.current, samples, index * height * width * channels),
    [index, height, width, channels, samples],
  );
  const label = samples.classNames[samples.labels[index]] ?? String(samples.labels[index]);
  return (
    <figure>
      <canvas
        ref={ref}
        width={width}
        height={height}
        style={{ width: width * SCALE, height: height * SCALE }}
        role="img"
        aria-label={label}
      />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/** The first training images of the chosen dataset, as the network sees them (before normalisation). */
export function SampleStrip() {
  const samples = useStore(selectSamples);
  if (!samples) return null;
  return (
    <section className="samples" data-testid="samples" aria-label="Sample training images">
      {samples.labels.map((_, i) => (
        <Sample key={i} index={i} />
      ))}
    </section>
  );
}
