import { selectConfusion, useStore } from '../state';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The whole test set after the last epoch: how often each class (row) is called each class
 * (column). Colour is the share of its row, so a dark cell off the diagonal is a mistake the
 * network makes often; the most-confused pairs are named under it.
 */
export function ConfusionMatrix() {
  const f = useStore(selectConfusion);
  return (
    <section
      className="panel confusion"
      data-testid="confusion"
      data-panel="confusion"
      aria-label="Confusion matrix"
    >
      <h2>Confusion matrix</h2>
      {!f ? (
        <p className="caption">
          Appears after the first epoch: which digits or classes the network mixes up.
        </p>
      ) : (
        <>
          <p className="caption">
            Rows: the true class; columns: what the network said, on all{' '}
            {f.total.toLocaleString('en-US')} test images after epoch {f.epoch}; darker = a larger
            share of the row.{' '}
            <span data-testid="confused-pairs">
              {f.pairs.length === 0
                ? 'No mistakes.'
                : `Most confused: ${f.pairs
                    .map(
                      (p) =>
                        `${p.truth} taken for ${p.predicted} (${p.count}, ${percent(p.share)})`,
                    )
                    .join('; ')}.`}
            </span>
          </p>
          <table className="confusion-table">
            <thead>
              <tr>
                <th scope="col" aria-label="true class" />
                {f.classNames.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {f.counts.map((row, t) => (
                <tr key={f.classNames[t]}>
                  <th scope="row">{f.classNames[t]}</th>
                  {row.map((count, c) => (
                    <td
                      key={c}
                      className={`${t === c ? 'hit' : 'miss'}${f.shares[t][c] > 0.5 ? ' strong' : ''}`}
                      style={{ '--share': f.shares[t][c] } as React.CSSProperties}
                      title={`${f.classNames[t]} called ${f.classNames[c]}: ${count} (${percent(f.shares[t][c])} of ${f.classNames[t]})`}
                    >
                      {count}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
