import { useEffect, useRef } from 'react';
import { selectSamples, useStore } from '../state';

const SCALE = 2;

/** One training image drawn from its HWC bytes (grey for one channel), with its label. */
function Sample({ index }: { index: number }) {
  const samples = useStore(selectSamples)!;
  const ref = useRef<HTMLCanvasElement>(null);
  const { height, width, channels, pixels } = samples;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(width, height);
    const base = index * height * width * channels;
    for (let p = 0; p < height * width; p++) {
      for (let c = 0; c < 3; c++)
        image.data[p * 4 + c] = pixels[base + p * channels + (channels === 3 ? c : 0)];
      image.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }, [index, height, width, channels, pixels]);
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
