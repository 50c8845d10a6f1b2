import type { Refusals } from './predict';

/** Why the model export has nothing to give: as the page's button says it, if it ever asks. */
export const EXPORT_REFUSALS: Refusals = {
  noNetwork: 'There is no network to export yet: start a run, then pause it or let it finish.',
  notPaused: 'Pause to export the model: the file holds the weights of the moment it stops.',
};
