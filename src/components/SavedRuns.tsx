import { clearSavedRuns, resumeSavedRun, selectSaved, selectStatus, useStore } from '../state';

/**
 * Under the run bar: the run a reload (or a closed tab) interrupted, offered for continuing
 * from its last epoch checkpoint; and what went wrong with the browser's storage, if anything.
 */
export function ResumeBanner() {
  const saved = useStore(selectSaved);
  const status = useStore(selectStatus);
  const offer = status === 'idle' ? saved.resume : null;
  return (
    <>
      {offer && (
        <div className="banner warn resume" role="status" data-testid="resume-offer">
          <span>
            The page was left during run {offer.name}, after epoch {offer.epoch} of {offer.epochs}.
            It can go on exactly from there; Start trains a new run instead.
          </span>{' '}
          <button className="primary" onClick={resumeSavedRun} data-testid="resume-saved">
            Resume from epoch {offer.epoch}
          </button>
        </div>
      )}
      {saved.problem && (
        <div className="banner warn" role="status" data-testid="saved-problem">
          {saved.problem}
        </div>
      )}
    </>
  );
}

/** Near the run history: what this browser keeps, and the control to forget it. */
export function SavedRunsControl() {
  const saved = useStore(selectSaved);
  const kept = saved.runs + (saved.checkpointEpoch !== null ? 1 : 0);
  return (
    <p className="caption saved-runs" data-testid="saved-runs">
      Kept in this browser: {saved.runs} run{saved.runs === 1 ? '' : 's'}
      {saved.checkpointEpoch !== null && (
        <span data-testid="saved-checkpoint">
          {' '}
          and the unfinished run up to epoch {saved.checkpointEpoch}
        </span>
      )}
      .{' '}
      <button onClick={clearSavedRuns} disabled={kept === 0} data-testid="clear-saved">
        Clear saved runs
      </button>
    </p>
  );
}
