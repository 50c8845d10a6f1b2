/**
 * Block geometry of a weight matrix stored [rows = out][cols = in]: masks, pruning and growth
 * work on units of b x b tiles (edge tiles partial). With b = 1 a unit is one weight.
 */
export interface BlockGrid {
  rows: number;
  cols: number;
  block: number;
  blockRows: number;
  blockCols: number;
  /** Number of units (tiles). */
  units: number;
  /** Weights in each unit (b·b, less at the right and bottom edges). */
  unitSize: Uint32Array;
}

export function blockGrid(rows: number, cols: number, block: number): BlockGrid {
  const blockRows = Math.ceil(rows / block);
  const blockCols = Math.ceil(cols / block);
  const units = blockRows * blockCols;
  const unitSize = new Uint32Array(units);
  for (let br = 0; br < blockRows; br++) {
    const h = Math.min(block, rows - br * block);
    for (let bc = 0; bc < blockCols; bc++) {
      unitSize[br * blockCols + bc] = h * Math.min(block, cols - bc * block);
    }
  }
  return { rows, cols, block, blockRows, blockCols, units, unitSize };
}

/** Calls `fn(element, unit)` for every weight; the one place that maps weights to tiles. */
function forEachElement(grid: BlockGrid, fn: (element: number, unit: number) => void): void {
  const { rows, cols, block, blockCols } = grid;
  for (let r = 0; r < rows; r++) {
    const unitRow = Math.floor(r / block) * blockCols;
    for (let c = 0; c < cols; c++) fn(r * cols + c, unitRow + Math.floor(c / block));
  }
}

/** Per-unit sum of `values` (or of |values|): the score of a whole tile. */
export function unitSums(values: Float32Array, grid: BlockGrid, abs: boolean): Float64Array {
  if (grid.block === 1) {
    // A plain loop: a mapping callback per weight costs several times the work (fc1: 235,200).
    const out = new Float64Array(values.length);
    for (let j = 0; j < values.length; j++) out[j] = abs ? Math.abs(values[j]) : values[j];
    return out;
  }
  const out = new Float64Array(grid.units);
  forEachElement(grid, (e, u) => (out[u] += abs ? Math.abs(values[e]) : values[e]));
  return out;
}

/** The per-weight mask of a per-unit mask. */
export function expandMask(unitMask: Uint8Array, grid: BlockGrid): Uint8Array {
  if (grid.block === 1) return unitMask.slice();
  const out = new Uint8Array(grid.rows * grid.cols);
  forEachElement(grid, (e, u) => (out[e] = unitMask[u]));
  return out;
}

/** Weights covered by the active units. */
export function activeWeights(unitMask: Uint8Array, grid: BlockGrid): number {
  let n = 0;
  for (let u = 0; u < grid.units; u++) if (unitMask[u]) n += grid.unitSize[u];
  return n;
}
