import { useRef, type PointerEvent } from 'react';

/** The canvas's own pixels: ten times MNIST's 28, so a stroke is drawn smoothly. */
const SIDE = 280;
/** About MNIST's pen: a digit drawn 200 pixels tall ends 2 pixels wide in the 20x20 box. */
const STROKE = 22;

interface Props {
  disabled: boolean;
  /** A stroke ended: the whole drawing, RGBA of a white pen on transparency. */
  onDrawn(rgba: Uint8ClampedArray, width: number, height: number): void;
  onClear(): void;
}

/**
 * Where a student draws a digit, with a mouse, a finger or a pen (Pointer Events, one pointer
 * at a time; `touch-action: none` in the CSS keeps a finger from scrolling the page). Each
 * finished stroke hands the drawing over; Clear wipes it.
 */
export function DrawDigit({ disabled, onDrawn, onClear }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const pen = useRef<{ id: number; x: number; y: number } | null>(null);
  const context = () => {
    const ctx = ref.current?.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.strokeStyle = ctx.fillStyle = '#fff';
    ctx.lineWidth = STROKE;
    ctx.lineCap = ctx.lineJoin = 'round';
    return ctx;
  };
  const at = (e: { clientX: number; clientY: number }) => {
    const r = ref.current!.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * SIDE) / r.width,
      y: ((e.clientY - r.top) * SIDE) / r.height,
    };
  };
  const down = (e: PointerEvent<HTMLCanvasElement>) => {
    const ctx = context();
    if (disabled || pen.current || !ctx) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = at(e);
    pen.current = { id: e.pointerId, ...p };
    ctx.beginPath();
    ctx.arc(p.x, p.y, STROKE / 2, 0, 2 * Math.PI);
    ctx.fill();
  };
  const move = (e: PointerEvent<HTMLCanvasElement>) => {
    const last = pen.current;
    const ctx = context();
    if (!last || last.id !== e.pointerId || !ctx) return;
    const points = e.nativeEvent.getCoalescedEvents?.() ?? [];
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    for (const c of points.length > 0 ? points : [e.nativeEvent]) {
      const p = at(c);
      ctx.lineTo(p.x, p.y);
      last.x = p.x;
      last.y = p.y;
    }
    ctx.stroke();
  };
  const up = (e: PointerEvent<HTMLCanvasElement>) => {
    const ctx = context();
    if (pen.current?.id !== e.pointerId || !ctx) return;
    pen.current = null;
    onDrawn(ctx.getImageData(0, 0, SIDE, SIDE).data, SIDE, SIDE);
  };
  const clear = () => {
    context()?.clearRect(0, 0, SIDE, SIDE);
    pen.current = null;
    onClear();
  };
  return (
    <div className="draw-digit">
      <canvas
        ref={ref}
        width={SIDE}
        height={SIDE}
        className={disabled ? 'disabled' : undefined}
        data-testid="draw-digit"
        role="img"
        aria-label="Drawing area: draw one digit with the mouse, a finger or a pen"
        aria-disabled={disabled}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      />
      <button onClick={clear} data-testid="try-clear">
        Clear
      </button>
    </div>
  );
}
