/** How the page shows a run: never read by the engine, never changes a number. */
export interface ViewConfig {
  autorun: boolean;
  /** Controls and panels hidden for a classroom (see HIDEABLE in src/url/params.ts). */
  hide: string[];
  projector: boolean;
  /**
   * Runs to compare, as variations of this experiment (the `compare` grammar in
   * src/url/compare.ts; '' for none). The page runs them; no single run reads it.
   */
  compare: string;
}
