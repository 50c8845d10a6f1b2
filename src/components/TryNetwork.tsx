import { useEffect, useRef, useState } from 'react';
import { clearTry, selectTry, tryDrawing, tryTestImage, useStore } from '../state';
import type { TryAnswer } from '../state';
import { DrawDigit } from './DrawDigit';
import { drawPixels } from './pixels';

/** On-screen size of the image the network saw. */
const SEEN_PX = 84;

/** The image as the network gets it (before normalisation), scaled up without smoothing. */
function Seen({ image, label }: { image: NonNullable<TryAnswer['test']>['image']; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => drawPixels(ref.current, image), [image]);
  return (
    <canvas
      ref={ref}
      width={image.width}
      height={image.height}
      style={{ width: SEEN_PX, height: SEEN_PX }}
      data-testid="try-seen"
      role="img"
      aria-label={label}
    />
  );
}

/** One bar per class: the network's probability for it, the top one highlighted. */
function Bars({ answer }: { answer: TryAnswer }) {
  return (
    <ol className="try-bars" aria-label="Class probabilities">
      {answer.bars.map((b) => (
        <li
          key={b.name}
          className={b.top ? 'top' : undefined}
          data-testid="try-bar"
          data-class={b.name}
          data-p={b.p}
        >
          <span className="try-class">{b.name}</span>
          <span className="try-track">
            <span className="try-fill" style={{ width: `${b.p * 100}%` }} />
          </span>
          <span className="try-percent">{b.percent}</span>
        </li>
      ))}
    </ol>
  );
}

function Verdict({ answer }: { answer: TryAnswer }) {
  const t = answer.test;
  return (
    <p className="try-verdict" data-testid="try-verdict">
      {t && (
        <>
          Test image {t.index.toLocaleString('en-US')} of {t.count.toLocaleString('en-US')}, true
          label <strong data-testid="try-label">{t.label}</strong>:{' '}
        </>
      )}
      {t ? 'the network says' : 'The network says'}{' '}
      <strong data-testid="try-predicted">{answer.predicted}</strong> ({answer.confidence})
      {t && (
        <span className={t.correct ? 'try-right' : 'try-wrong'}>
          {t.correct ? ', right' : ', wrong'}
        </span>
      )}
      . Weights after step {answer.step.toLocaleString('en-US')}.
    </p>
  );
}

/**
 * Try the trained network, as ConvNetJS and the jax-js MNIST demo let you: draw a digit (an
 * MNIST run) or pick a test image, and see the class probabilities the network gives it with
 * the weights of the moment (paused or finished; the worker computes them on its backend).
 */
export function TryNetwork() {
  const f = useStore(selectTry);
  const [index, setIndex] = useState('');
  const a = f.answer;
  // The drawing while one is asked about, else the test image answered.
  const seen = f.drawn ? { height: 28, width: 28, channels: 1, pixels: f.drawn } : a?.test?.image;
  return (
    <section
      className="panel try"
      data-testid="try"
      data-panel="try"
      data-pending={f.pending}
      aria-label="Try the network"
    >
      <h2>Try the network</h2>
      <p className="caption">
        {f.canDraw
          ? 'Draw a digit: it is scaled and centred the way MNIST’s digits were (the small square is what the network sees), then classified. Or pick a test image.'
          : 'Pick a test image: the network classifies it with its weights of this moment.'}
      </p>
      {f.note && (
        <p className="try-note" data-testid="try-note">
          {f.note}
        </p>
      )}
      <div className="try-body">
        {f.canDraw && <DrawDigit disabled={!f.allowed} onDrawn={tryDrawing} onClear={clearTry} />}
        <div className="try-seen">
          {seen ? (
            <Seen
              image={seen}
              label={
                f.drawn ? 'The drawing as the network sees it' : `Test image ${a?.test?.index}`
              }
            />
          ) : (
            <span className="try-blank" style={{ width: SEEN_PX, height: SEEN_PX }} />
          )}
          <span className="caption">{a?.test && !f.drawn ? 'test image' : 'network’s view'}</span>
        </div>
        {a && <Bars answer={a} />}
      </div>
      <form
        className="try-pick"
        onSubmit={(e) => {
          e.preventDefault();
          if (f.allowed && index !== '') tryTestImage(Number(index));
        }}
      >
        <button
          type="button"
          disabled={!f.allowed}
          onClick={() => tryTestImage(null)}
          data-testid="try-random"
        >
          Pick a test image
        </button>
        <input
          type="number"
          min={0}
          step={1}
          value={index}
          placeholder="number"
          aria-label="Test image number"
          onChange={(e) => setIndex(e.target.value)}
          data-testid="try-index"
        />
        <button type="submit" disabled={!f.allowed || index === ''} data-testid="try-show">
          Show
        </button>
      </form>
      {f.message && (
        <p className="try-message" role="status" data-testid="try-message">
          {f.message}
        </p>
      )}
      {a && <Verdict answer={a} />}
    </section>
  );
}
