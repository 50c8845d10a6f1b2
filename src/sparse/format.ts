import type { BlockGrid } from './blocks';

/**
 * A masked weight matrix [rows = out][cols = in] in block-CSR form with a transposed index,
 * rebuilt on the CPU at mask updates (never per step). With block 1 it is plain CSR.
 *
 * - `values`: the active tiles, each b x b row-major (edge tiles padded with zeros), in
 *   row-major tile order; block k owns values[k·b² .. (k+1)·b²).
 * - `rowPtr[R]..rowPtr[R+1]`: the tiles of tile row R, in ascending tile column.
 * - `colIdx`: each tile's column, two 16-bit indices per u32 (low half first), so unstructured
 *   masks cost 2 bytes of index per weight.
 * - `colPtr[C]..colPtr[C+1]` with `tEntry`: the tiles of tile column C in ascending row, each
 *   as R | (position within its row << 16); the tile is rowPtr[R] + position. The input
 *   gradient walks columns with it, without a second copy of the values.
 */
export interface SparseFormat {
  block: number;
  blockRows: number;
  blockCols: number;
  /** Active tiles (active weights when block = 1). */
  nnzBlocks: number;
  /**
   * Constant fan-in (ELL): every row holds this many weights, so row o's are values
   * [o·fanIn, (o+1)·fanIn) and the ELL kernels read no row pointers; null for any other mask.
   */
  fanIn: number | null;
  /**
   * N:M (src/sparse/nm.ts): groups of `group` inputs with `n` slots each, so fanIn = groups × n;
   * slots a group does not use are padding (column 0xffff, value 0, kept 0 by the kernels).
   */
  nm?: { group: number; n: number };
  rowPtr: Uint32Array;
  colIdx: Uint32Array;
  colPtr: Uint32Array;
  tEntry: Uint32Array;
}

/** The largest tile row/column count and tiles per row the 16-bit indices can address. */
export const MAX_SPARSE_INDEX = 0xffff;

/** Whether a matrix of this grid can be stored in `SparseFormat` (16-bit indices). */
export function fitsSparseFormat(grid: BlockGrid): boolean {
  return grid.blockRows <= MAX_SPARSE_INDEX && grid.blockCols <= MAX_SPARSE_INDEX;
}

/**
 * The index arrays of the active tiles of `unitMask` (tiles in `grid` order). With `ell` the
 * mask must have constant fan-in (single weights, every row one length; throws otherwise).
 */
export function buildSparseFormat(
  unitMask: Uint8Array,
  grid: BlockGrid,
  ell = false,
): SparseFormat {
  if (!fitsSparseFormat(grid)) throw new Error('matrix too large for 16-bit sparse indices');
  const { blockRows, blockCols } = grid;
  const rowPtr = new Uint32Array(blockRows + 1);
  const colCount = new Uint32Array(blockCols);
  let nnz = 0;
  for (let r = 0; r < blockRows; r++) {
    rowPtr[r] = nnz;
    for (let c = 0; c < blockCols; c++)
      if (unitMask[r * blockCols + c]) {
        nnz++;
        colCount[c]++;
      }
  }
  rowPtr[blockRows] = nnz;
  const colIdx = new Uint32Array(Math.max(1, Math.ceil(nnz / 2)));
  const colPtr = new Uint32Array(blockCols + 1);
  for (let c = 0; c < blockCols; c++) colPtr[c + 1] = colPtr[c] + colCount[c];
  const tEntry = new Uint32Array(Math.max(1, nnz));
  const fill = colPtr.slice(0, blockCols);
  let k = 0;
  for (let r = 0; r < blockRows; r++) {
    let pos = 0;
    for (let c = 0; c < blockCols; c++) {
      if (!unitMask[r * blockCols + c]) continue;
      colIdx[k >> 1] |= c << ((k & 1) * 16);
      tEntry[fill[c]++] = r | (pos << 16);
      if (pos > MAX_SPARSE_INDEX) throw new Error('too many tiles in one row');
      pos++;
      k++;
    }
  }
  let fanIn: number | null = null;
  if (ell) {
    fanIn = blockRows > 0 ? rowPtr[1] : 0;
    for (let r = 0; r < blockRows; r++)
      if (grid.block !== 1 || rowPtr[r + 1] - rowPtr[r] !== fanIn)
        throw new Error('an ELL matrix needs single weights and rows of one length');
  }
  return {
    block: grid.block,
    blockRows,
    blockCols,
    nnzBlocks: nnz,
    fanIn,
    rowPtr,
    colIdx,
    colPtr,
    tEntry,
  };
}

/** The tile column of tile k. */
export function tileColumn(colIdx: Uint32Array, k: number): number {
  return (colIdx[k >> 1] >>> ((k & 1) * 16)) & 0xffff;
}

/** Calls fn(value index, dense index) for every weight of every stored tile inside the matrix. */
function forEachStored(
  f: SparseFormat,
  grid: BlockGrid,
  fn: (valueIndex: number, denseIndex: number) => void,
): void {
  const b = f.block;
  for (let R = 0; R < f.blockRows; R++) {
    for (let k = f.rowPtr[R]; k < f.rowPtr[R + 1]; k++) {
      const C = tileColumn(f.colIdx, k);
      for (let r = 0; r < b; r++) {
        const o = R * b + r;
        if (o >= grid.rows) break;
        for (let c = 0; c < b; c++) {
          const i = C * b + c;
          if (i >= grid.cols) break;
          fn(k * b * b + r * b + c, o * grid.cols + i);
        }
      }
    }
  }
}

/** Length of the values array (padded tiles). */
export function valuesLength(f: SparseFormat): number {
  return Math.max(1, f.nnzBlocks * f.block * f.block);
}

/** The stored values of a dense matrix (padding zero). */
export function compactValues(dense: Float32Array, f: SparseFormat, grid: BlockGrid): Float32Array {
  const out = new Float32Array(valuesLength(f));
  forEachStored(f, grid, (v, d) => (out[v] = dense[d]));
  return out;
}

/** The dense matrix of stored values (missing weights 0). */
export function expandValues(values: Float32Array, f: SparseFormat, grid: BlockGrid): Float32Array {
  const out = new Float32Array(grid.rows * grid.cols);
  forEachStored(f, grid, (v, d) => (out[d] = values[v]));
  return out;
}

/** Bytes on the device of the values and every index array. */
export function sparseBytes(f: SparseFormat): number {
  return (
    4 * (valuesLength(f) + f.rowPtr.length + f.colIdx.length + f.colPtr.length + f.tEntry.length)
  );
}
