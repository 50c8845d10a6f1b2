import type { Backend, Op, Tensor } from './backend';

/**
 * Wraps a backend so every tensor and op made through it is recorded until released: a
 * trainer frees all it made with one `release`, and the leak checks can trust that.
 */
export function tracking(be: Backend, live: Set<Tensor | Op>): Backend {
  const tune = be.tune?.bind(be);
  return {
    kind: be.kind,
    adapter: be.adapter,
    recoverable: be.recoverable,
    limits: () => be.limits(),
    liveMemory: () => be.liveMemory(),
    lostReason: () => be.lostReason(),
    loseDevice: () => be.loseDevice(),
    tensor: (dtype, length) => {
      const t = be.tensor(dtype, length);
      live.add(t);
      return t;
    },
    write: (t, data, offset) => be.write(t, data, offset),
    read: (t) => be.read(t),
    op: (kernel, args) => {
      const o = be.op(kernel, args);
      live.add(o);
      return o;
    },
    run: (ops) => be.run(ops),
    submit: (ops, interrupt) => be.submit(ops, interrupt),
    ...(tune ? { tune } : {}),
    release: (items) => {
      for (const item of items) live.delete(item);
      be.release(items);
    },
    destroy: () => be.destroy(),
  };
}
