// Formats the benchmark report as plain-text tables of ratios.

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const fx = (x) => `${x.toFixed(1)}x`;

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * A table of rows against a reference row of the same group: `columns` are [heading, value of
 * a row] pairs, so a new measure or a new kind of row (a sparsity structure, a method) is one
 * entry, not a new table.
 */
export function rowTable(rows, columns) {
  return table(
    columns.map(([h]) => h),
    rows.map((row) => columns.map(([, cell]) => cell(row))),
  );
}

const ms = (x) => x.toFixed(0);

export function formatReport(r) {
  const out = [`adapter: ${r.adapter}`, ''];
  if (r.kernels.length > 0) {
    const s = r.kernelShape;
    out.push(`Kernels: Y = X·Wᵀ with X ${s.batch}x${s.inF}, W ${s.outF}x${s.inF} (time per call)`);
    out.push(
      table(
        ['kernel', 'format', 'density', 'ms', 'GFLOP/s', 'vs dense', 'weight memory'],
        r.kernels.map((k) => [
          k.kernel,
          k.format,
          k.format === 'dense' ? '1' : `${k.density} (${k.actualDensity.toFixed(3)})`,
          k.ms.toFixed(3),
          k.gflops.toFixed(2),
          fx(k.speedup),
          pct(k.memory),
        ]),
      ),
    );
    out.push('');
  }
  if (r.doubleSparsity?.length > 0) {
    out.push('Double sparsity: weight gradient skipping zero output gradients (as behind a ReLU)');
    out.push(
      table(
        ['zeros in dy', 'dense ms', 'skipping ms', 'speedup'],
        r.doubleSparsity.map((d) => [
          pct(d.zeros),
          d.denseMs.toFixed(3),
          d.skipMs.toFixed(3),
          fx(d.speedup),
        ]),
      ),
    );
    out.push('');
  }
  if (r.train.length > 0) {
    out.push('Training steps (samples/s; vs dense = the same model trained dense)');
    out.push(
      'snfs: samples/s between momentum windows; epoch avg = over an epoch with its window steps',
    );
    out.push(
      rowTable(r.train, [
        ['model', (t) => t.model],
        ['method', (t) => t.method],
        ['density', (t) => t.density],
        ['samples/s', (t) => t.samplesPerSec.toFixed(0)],
        ['vs dense', (t) => fx(t.speedup)],
        ['epoch avg', (t) => (t.window ? fx(t.window.epochSpeedup) : '')],
        ['dispatches/step', (t) => (t.dispatchesPerStep ?? NaN).toFixed(0)],
        ['weight memory', (t) => pct(t.weightMemory)],
        ['kernels', (t) => t.kernels],
      ]),
    );
    out.push('');
  }
  if (r.epochs?.length > 0) {
    out.push(
      `Whole epochs at density ${r.epochDensity} (ms; training steps, then evaluation and any mask update; ${r.epochs[0].testCount} test images; vs dense = dense time / this time)`,
    );
    out.push(
      rowTable(r.epochs, [
        ['model', (e) => e.model],
        ['method', (e) => e.method],
        ['train imgs', (e) => e.trainCount],
        ['epoch ms', (e) => ms(e.epochMs)],
        ['vs dense', (e) => fx(e.speedup)],
        ['train ms', (e) => ms(e.trainMs)],
        ['vs dense', (e) => fx(e.trainSpeedup)],
        ['eval ms', (e) => ms(e.evalMs)],
        ['vs dense', (e) => fx(e.evalSpeedup)],
        ['dispatches', (e) => e.dispatchesPerEpoch],
      ]),
    );
    out.push('');
  }
  for (const p of r.profile ?? []) {
    const total = p.ops.reduce((s, o) => s + o.ms, 0);
    out.push(
      `One training step, op by op: ${p.query} (sum ${total.toFixed(2)} ms, ${p.dispatches} dispatches)`,
    );
    if (p.stepMs !== undefined)
      out.push(
        `  the whole step in one submission ${p.stepMs.toFixed(2)} ms; as the trainer runs it ${p.trainerMs.toFixed(2)} ms`,
      );
    out.push(
      table(
        ['#', 'kernel', 'ms'],
        p.ops.map((o, i) => [i, o.kernel, o.ms.toFixed(3)]),
      ),
    );
    out.push('');
  }
  if (r.gather?.length > 0) {
    out.push('The batch gather alone (one op a submission), against a near-empty op');
    out.push(
      rowTable(r.gather, [
        ['op', (g) => g.what],
        ['batch', (g) => g.batch],
        ['ms', (g) => g.ms.toFixed(3)],
      ]),
    );
    out.push('');
  }
  if (r.peer) {
    const p = r.peer;
    out.push(`TensorFlow.js ${p.version} (${p.backend}) on the same adapter`);
    out.push(
      table(
        ['measure', 'TensorFlow.js', 'Sparse Playground', 'ratio'],
        p.rows.map((row) => [row.name, row.peer, row.ours, fx(row.ratio)]),
      ),
    );
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
