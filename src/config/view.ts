/** How the page shows a run: never read by the engine, never changes a number. */
export interface ViewConfig {
  autorun: boolean;
  /** Controls and panels hidden for a classroom (see HIDEABLE in src/url/params.ts). */
  hide: string[];
  projector: boolean;
}
