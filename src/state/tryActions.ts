import { digitImage, inkFromRgba } from '../data/digitImage';
import { send } from './runner';
import { useStore } from './store';
import { emptyTry, type TryState } from './try';

/** Numbers the requests, so an answer to a replaced one is dropped. */
let requests = 0;

const update = (t: Partial<TryState>) =>
  useStore.setState((s) => ({ tryNet: { ...s.tryNet, ...t } }));

/**
 * Classifies a drawing (RGBA of a canvas drawn in one colour on transparency): made like an
 * MNIST digit, then sent to the network; an empty drawing gets a message and no request.
 */
export function tryDrawing(rgba: ArrayLike<number>, width: number, height: number): void {
  const d = digitImage(inkFromRgba(rgba, width, height));
  if (!d.ok) {
    update({ pending: null, drawn: null, source: 'drawing', result: null, message: d.message });
    return;
  }
  const id = ++requests;
  update({ pending: id, drawn: d.pixels, source: 'drawing', message: null });
  send({ type: 'predict', id, pixels: d.pixels });
}

/** Classifies test image `index` (null: one at random) and shows it with its true label. */
export function tryTestImage(index: number | null): void {
  const id = ++requests;
  update({ pending: id, source: 'test', message: null });
  send({ type: 'predictTest', id, index });
}

/** Forgets the drawing and the answer (the Clear button). */
export function clearTry(): void {
  useStore.setState(emptyTry());
}
