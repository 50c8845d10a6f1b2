// Every generated kernel file under shaders/, by file name: `npm run gen:wgsl` writes them and
// `npm run gen:wgsl -- --check` (and src/gpu/wgsl/generated.test.ts) fails when one drifts.
import { elementwise, type ElementwiseName } from './elementwise';
import { gatherBatch, gatherBatchPacked } from './image';
import { col2im, im2col, im2colVec4 } from './patches';
import { maxPoolBackward, maxPoolBackwardTiled, maxPoolForward } from './pool';
import {
  batchMetrics,
  biasGrad,
  biasGradRows,
  confusionCount,
  softmaxXent,
  softmaxXentMetrics,
  transpose,
  transposeTile,
} from './misc';
import { sparseConvForward, sparseConvGradInput, sparseConvGradWeight } from './convSparse';
import { bnForward, bnGradInput, bnGradParams, bnStats } from './norm';
import { sparseSgdUpdate } from './optim';
import { linearForward, linearGradInput, linearGradWeight } from './matmul';
import {
  bsrForward,
  bsrGradInput,
  bsrGradWeight,
  csrGradWeight,
  csrGradWeightRun,
  csrProduct,
} from './sparse';

const ELEMENTWISE: [ElementwiseName, string][] = [
  ['reluForward', 'relu_forward'],
  ['reluBackward', 'relu_backward'],
  ['momentumUpdate', 'momentum_update'],
  ['sgdUpdate', 'sgd_update'],
];

/** File name (in shaders/) -> WGSL source, for every generated kernel. */
export function generatedShaders(): Record<string, string> {
  const files: Record<string, string> = {
    'linear_forward.wgsl': linearForward('scalar', 4),
    'linear_forward_vec4.wgsl': linearForward('vec4', 4),
    'linear_forward_8x8.wgsl': linearForward('vec4', 8),
    'linear_grad_input.wgsl': linearGradInput('scalar', 4),
    'linear_grad_input_vec4.wgsl': linearGradInput('vec4', 4),
    'linear_grad_input_8x8.wgsl': linearGradInput('vec4', 8),
    'linear_grad_weight.wgsl': linearGradWeight('scalar', 4),
    'linear_grad_weight_vec4.wgsl': linearGradWeight('vec4', 4),
    'linear_grad_weight_8x8.wgsl': linearGradWeight('vec4', 8),
    'linear_grad_weight_skip.wgsl': linearGradWeight('skip', 4),
    'bsr_forward.wgsl': bsrForward(4),
    'bsr_forward_8x8.wgsl': bsrForward(8),
    'bsr_grad_input.wgsl': bsrGradInput(4),
    'bsr_grad_input_8x8.wgsl': bsrGradInput(8),
    'bsr_grad_weight.wgsl': bsrGradWeight(),
    'csr_forward.wgsl': csrProduct('forward', false),
    'csr_forward_t.wgsl': csrProduct('forward', true),
    'csr_grad_input.wgsl': csrProduct('gradInput', false),
    'csr_grad_input_t.wgsl': csrProduct('gradInput', true),
    'csr_grad_weight.wgsl': csrGradWeight(false),
    'csr_grad_weight_t.wgsl': csrGradWeightRun(),
    'ell_forward.wgsl': csrProduct('forward', false, true),
    'ell_forward_t.wgsl': csrProduct('forward', true, true),
    'ell_grad_input.wgsl': csrProduct('gradInput', false, true),
    'ell_grad_input_t.wgsl': csrProduct('gradInput', true, true),
    'ell_grad_weight.wgsl': csrGradWeight(false, true),
    'ell_grad_weight_t.wgsl': csrGradWeightRun(true),
    'nm_forward.wgsl': csrProduct('forward', false, true, true),
    'nm_forward_t.wgsl': csrProduct('forward', true, true, true),
    'nm_grad_weight.wgsl': csrGradWeight(false, true, true),
    'nm_grad_weight_t.wgsl': csrGradWeight(true, true, true),
    'sparse_sgd_update.wgsl': sparseSgdUpdate(),
    'gather_batch.wgsl': gatherBatch(),
    'gather_batch_packed.wgsl': gatherBatchPacked(),
    'im2col.wgsl': im2col(),
    'im2col_vec4.wgsl': im2colVec4(),
    'col2im.wgsl': col2im(false),
    'col2im_vec4.wgsl': col2im(true),
    'max_pool_forward.wgsl': maxPoolForward(false),
    'max_pool_forward_vec4.wgsl': maxPoolForward(true),
    'max_pool_backward.wgsl': maxPoolBackward(),
    'max_pool_backward_tiled.wgsl': maxPoolBackwardTiled(false),
    'max_pool_backward_tiled_vec4.wgsl': maxPoolBackwardTiled(true),
    'bn_stats.wgsl': bnStats(false),
    'bn_stats_vec4.wgsl': bnStats(true),
    'bn_forward.wgsl': bnForward(false),
    'bn_forward_vec4.wgsl': bnForward(true),
    'bn_grad_params.wgsl': bnGradParams(false),
    'bn_grad_params_vec4.wgsl': bnGradParams(true),
    'bn_grad_input.wgsl': bnGradInput(false),
    'bn_grad_input_vec4.wgsl': bnGradInput(true),
    'bias_grad.wgsl': biasGrad(),
    'bias_grad_rows.wgsl': biasGradRows(false),
    'bias_grad_rows_vec4.wgsl': biasGradRows(true),
    'softmax_xent.wgsl': softmaxXent(),
    'batch_metrics.wgsl': batchMetrics(),
    'softmax_xent_metrics.wgsl': softmaxXentMetrics(),
    'confusion_count.wgsl': confusionCount(),
    'transpose.wgsl': transpose(),
    'transpose_tile.wgsl': transposeTile(),
    'sparse_conv_forward.wgsl': sparseConvForward(),
    'sparse_conv_grad_weight.wgsl': sparseConvGradWeight(),
    'sparse_conv_grad_input.wgsl': sparseConvGradInput(),
  };
  for (const [name, file] of ELEMENTWISE) {
    files[`${file}.wgsl`] = elementwise(name, false);
    files[`${file}_vec4.wgsl`] = elementwise(name, true);
  }
  return files;
}

export { GENERATED_MARK } from './snippets';
