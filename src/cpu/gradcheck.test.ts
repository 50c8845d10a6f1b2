import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import * as k from './kernels';
import { cpuTensor as t } from './tensor';

/** A two-layer MLP (Linear-ReLU-Linear) with loss computed by the CPU kernels. */
function setup() {
  const rng = new Rng(3);
  const B = 4;
  const I = 6;
  const H = 5;
  const C = 3;
  const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => rng.uniform(-s, s));
  return {
    B,
    I,
    H,
    C,
    x: rand(B * I),
    labels: Uint32Array.from({ length: B }, () => rng.int(C)),
    w1: rand(H * I, 0.7),
    b1: rand(H, 0.3),
    w2: rand(C * H, 0.7),
    b2: rand(C, 0.3),
  };
}

type Net = ReturnType<typeof setup>;

function forward(n: Net) {
  const h = new Float32Array(n.B * n.H);
  const a = new Float32Array(n.B * n.H);
  const z = new Float32Array(n.B * n.C);
  k.linearForward({ x: t(n.x), w: t(n.w1), b: t(n.b1), y: t(h), batch: n.B, inF: n.I, outF: n.H });
  k.reluForward({ x: t(h), y: t(a), n: h.length });
  k.linearForward({ x: t(a), w: t(n.w2), b: t(n.b2), y: t(z), batch: n.B, inF: n.H, outF: n.C });
  const loss = new Float32Array(n.B);
  const dz = new Float32Array(n.B * n.C);
  const [logits, labels, dlogits] = [t(z), t(n.labels), t(dz)];
  k.softmaxXent({ logits, labels, loss: t(loss), dlogits, batch: n.B, classes: n.C });
  const mean = loss.reduce((s, v) => s + v, 0) / n.B;
  return { a, dz, mean };
}

function backward(n: Net) {
  const { a, dz } = forward(n);
  const dw2 = new Float32Array(n.w2.length);
  const db2 = new Float32Array(n.b2.length);
  const da = new Float32Array(a.length);
  const dh = new Float32Array(a.length);
  const dw1 = new Float32Array(n.w1.length);
  const db1 = new Float32Array(n.b1.length);
  k.linearGradWeight({ dy: t(dz), x: t(a), dw: t(dw2), batch: n.B, inF: n.H, outF: n.C });
  k.biasGrad({ dy: t(dz), db: t(db2), batch: n.B, outF: n.C });
  k.linearGradInput({ dy: t(dz), w: t(n.w2), dx: t(da), batch: n.B, inF: n.H, outF: n.C });
  k.reluBackward({ y: t(a), dy: t(da), dx: t(dh), n: a.length });
  k.linearGradWeight({ dy: t(dh), x: t(n.x), dw: t(dw1), batch: n.B, inF: n.I, outF: n.H });
  k.biasGrad({ dy: t(dh), db: t(db1), batch: n.B, outF: n.H });
  return { w1: dw1, b1: db1, w2: dw2, b2: db2 };
}

describe('CPU backend gradients', () => {
  it('match central finite differences of the mean softmax cross-entropy', () => {
    const net = setup();
    const analytic = backward(net);
    const eps = 1e-2;
    let checked = 0;
    for (const name of ['w1', 'b1', 'w2', 'b2'] as const) {
      const p = net[name];
      for (let i = 0; i < p.length; i++) {
        const orig = p[i];
        p[i] = orig + eps;
        const up = forward(net).mean;
        p[i] = orig - eps;
        const down = forward(net).mean;
        p[i] = orig;
        const numeric = (up - down) / (2 * eps);
        expect(Math.abs(analytic[name][i] - numeric)).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBe(30 + 5 + 15 + 3);
  });
});

describe('CPU SGD update', () => {
  it('follows torch.optim.SGD with momentum, Nesterov and weight decay, then re-applies the mask', () => {
    const w = Float32Array.of(1, -2, 0.5);
    const g = Float32Array.of(0.1, 0.2, -0.3);
    const v = new Float32Array(3);
    const mask = Float32Array.of(1, 1, 0);
    const [lr, mu, wd] = [0.1, 0.9, 0.01];
    const sgd = { w: t(w), g: t(g), v: t(v), n: 3, lr, momentum: mu, wd };
    k.sgdUpdate({ ...sgd, mask: t(mask), nesterov: true });
    // Step 1: d = g + wd*w; v = d; w -= lr*(d + mu*v)
    const d0 = 0.1 + 0.01 * 1;
    expect(v[0]).toBeCloseTo(d0, 6);
    expect(w[0]).toBeCloseTo(1 - lr * (d0 + mu * d0), 6);
    expect(w[2]).toBe(0); // masked
    expect(v[2]).toBeCloseTo(-0.3 + 0.01 * 0.5, 6); // momentum stays dense
    // Step 2 (plain momentum, no Nesterov) from the state after step 1.
    const w0 = w[1];
    const v0 = v[1];
    k.sgdUpdate({ ...sgd, mask: null, nesterov: false });
    const d1 = 0.2 + wd * w0;
    expect(v[1]).toBeCloseTo(mu * v0 + d1, 6);
    expect(w[1]).toBeCloseTo(w0 - lr * (mu * v0 + d1), 6);
  });
});
