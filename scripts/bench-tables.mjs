// The README's speed tables as markdown, from one benchmark report (bench/run.ts's BenchReport
// plus the `meta` scripts/bench.mjs adds). Pure: bench-readme.mjs writes and checks them.

const fx = (x) => `${x.toFixed(1)}x`;
const pct = (x) => `${(100 * x).toFixed(1)}%`;
const int = (x) => x.toFixed(0);

function markdownTable(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const FORMAT_NAMES = { csr: 'CSR', block16: 'block 16', block32: 'block 32' };

const KERNEL_NAMES = {
  forward: 'forward',
  gradInput: 'input gradient',
  gradWeight: 'weight gradient (stored weights)',
};

/** Kernel times at the two lowest densities the report has, every sparse format. */
function kernelTable(r) {
  if (!r.kernels?.length) return null;
  const s = r.kernelShape;
  const sparse = r.kernels.filter((k) => k.format !== 'dense');
  const densities = [...new Set(sparse.map((k) => k.density))]
    .sort((a, b) => a - b)
    .slice(0, 2)
    .reverse();
  const formats = [...new Set(sparse.map((k) => k.format))];
  const columns = densities.flatMap((d) => formats.map((f) => [f, d]));
  const find = (kernel, f, d) =>
    r.kernels.find(
      (k) => k.kernel === kernel && k.format === f && (f === 'dense' || k.density === d),
    );
  const kernels = [...new Set(r.kernels.map((k) => k.kernel))];
  const rows = kernels.map((kernel) => [
    KERNEL_NAMES[kernel] ?? kernel,
    `${find(kernel, 'dense').ms.toFixed(2)} ms`,
    ...columns.map(([f, d]) => {
      const k = find(kernel, f, d);
      return k ? `${k.ms.toFixed(2)} ms (${fx(k.speedup)})` : '';
    }),
  ]);
  rows.push([
    'weight memory vs dense',
    '100%',
    ...columns.map(([f, d]) => {
      const k = find(kernels[0], f, d);
      return k ? pct(k.memory) : '';
    }),
  ]);
  return markdownTable(
    [
      `kernel, X ${s.batch}x${s.inF} · Wᵀ (${s.outF}x${s.inF})`,
      'dense',
      ...columns.map(([f, d]) => `${FORMAT_NAMES[f] ?? f} d=${d}`),
    ],
    rows,
  );
}

/** Samples/s of every model and method at every density, against the same model dense. */
function trainTable(r) {
  if (!r.train?.length) return null;
  const densities = [...new Set(r.train.map((t) => t.density))]
    .filter((d) => d !== 1)
    .sort((a, b) => b - a);
  const at = Math.min(...densities);
  const mid = densities.includes(0.05) ? 0.05 : at;
  const rows = [];
  for (const model of [...new Set(r.train.map((t) => t.model))]) {
    const mine = r.train.filter((t) => t.model === model);
    const dense = mine.find((t) => t.density === 1);
    const pad = densities.map(() => '');
    rows.push([
      `**${model}**: dense ${int(dense.samplesPerSec)}`,
      ...pad,
      '',
      `${dense.dispatchesPerStep.toFixed(0)}`,
      '100%',
    ]);
    for (const method of [...new Set(mine.filter((t) => t.density !== 1).map((t) => t.method))]) {
      const cell = (d) => {
        const t = mine.find((x) => x.method === method && x.density === d);
        return t ? `${int(t.samplesPerSec)} (${fx(t.speedup)})` : '';
      };
      const ref = mine.find((x) => x.method === method && x.density === mid);
      rows.push([
        `\`${method}\``,
        ...densities.map(cell),
        ref?.window ? fx(ref.window.epochSpeedup) : '',
        ref ? ref.dispatchesPerStep.toFixed(0) : '',
        ref ? pct(ref.weightMemory) : '',
      ]);
    }
  }
  return markdownTable(
    [
      'training step, samples/s (vs dense)',
      ...densities.map((d) => `d=${d}`),
      `d=${mid} over an epoch with the momentum window`,
      `dispatches/step at d=${mid}`,
      `weight memory at d=${mid}`,
    ],
    rows,
  );
}

/** Whole epochs (training steps, evaluation, mask update) sparse against dense. */
function epochTable(r) {
  if (!r.epochs?.length) return null;
  const e0 = r.epochs[0];
  return markdownTable(
    [
      `whole epoch at d=${r.epochDensity} (${e0.testCount} test images)`,
      'method',
      'training images',
      'epoch ms',
      'vs dense',
      'training vs dense',
      'evaluation vs dense',
    ],
    r.epochs.map((e) => [
      e.model,
      `\`${e.method}\``,
      e.trainCount,
      int(e.epochMs),
      fx(e.speedup),
      fx(e.trainSpeedup),
      fx(e.evalSpeedup),
    ]),
  );
}

function peerTable(r) {
  if (!r.peer) return null;
  const p = r.peer;
  return markdownTable(
    [
      `against TensorFlow.js ${p.version} (${p.backend} backend), same adapter`,
      'TensorFlow.js',
      'Sparse Playground',
      'ratio',
    ],
    p.rows.map((row) => [row.name, row.peer, row.ours, fx(row.ratio)]),
  );
}

function doubleSparsity(r) {
  if (!r.doubleSparsity?.length) return null;
  const parts = r.doubleSparsity.map((d) => `${pct(d.zeros)} zeros ${fx(d.speedup)}`);
  return `Weight gradient skipping zero output gradients (double sparsity), against the dense kernel: ${parts.join(', ')}.`;
}

/** Every table the report has, with one line saying which run they come from. */
export function benchTables(r, source) {
  const m = r.meta ?? {};
  const load = m.loadStart
    ? ` Load average ${m.loadStart.toFixed(2)} at the start and ${m.loadEnd.toFixed(2)} at the end, on ${m.cpus} cores.`
    : '';
  const head = `From one \`${m.command ?? 'npm run bench'}\` run${m.date ? ` on ${m.date.slice(0, 10)}` : ''} (saved as \`${source}\`${m.app ? `, app ${m.app}` : ''}): adapter ${r.adapter}, ${r.userAgent}.${load}`;
  return [head, kernelTable(r), trainTable(r), epochTable(r), peerTable(r), doubleSparsity(r)]
    .filter(Boolean)
    .join('\n\n')
    .concat('\n');
}
