export declare function parseParent(stat: string): number;
export declare function parsePssKb(rollup: string): number | null;
export declare function descendants(root: number, parents: Map<number, number>): number[];
export declare function canWatch(): boolean;
export declare function treeMemoryMB(root: number): number;
export declare function watchMemory(options: {
  root: number;
  limitMB: number;
  everyMs?: number;
  onExceed: (mb: number) => void;
}): () => void;
