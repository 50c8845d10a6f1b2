import { selectMaskUpdates, useStore } from '../state';

/** The engine's report of the latest mask update: what each layer lost, regrew and why. */
export function MaskUpdateTable() {
  const updates = useStore(selectMaskUpdates);
  const last = updates[updates.length - 1];
  const conv = last?.layers.some((l) => l.emptyChannels !== null) ?? false;
  return (
    <section className="panel" data-testid="mask-update" aria-label="Last mask update">
      <h2>Last mask update</h2>
      {!last ? (
        <p className="caption">
          Appears after the first mask update. Each update removes weights and regrows the same
          number, shared between layers.
        </p>
      ) : (
        <>
          <p className="caption">
            Update {updates.length} at step {last.globalStep} (epoch {last.epoch}), prune rate{' '}
            {last.pruneRate.toFixed(4)}. A layer's regrowth share decides how many of all freed
            weights it regrows.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">layer</th>
                <th scope="col">active before</th>
                <th scope="col">pruned</th>
                <th scope="col">regrown</th>
                <th scope="col">active after</th>
                <th scope="col">density</th>
                <th scope="col">regrowth share</th>
                {conv && <th scope="col">empty channels</th>}
              </tr>
            </thead>
            <tbody>
              {last.layers.map((l) => (
                <tr key={l.name}>
                  <th scope="row">{l.name}</th>
                  <td>{l.activeBefore.toLocaleString()}</td>
                  <td>{l.pruned.toLocaleString()}</td>
                  <td>{l.regrown.toLocaleString()}</td>
                  <td>{l.activeAfter.toLocaleString()}</td>
                  <td>{(l.activeAfter / l.size).toFixed(4)}</td>
                  <td>{l.momentumShare.toFixed(3)}</td>
                  {conv && <td>{l.emptyChannels ?? '–'}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
