// The GPU descriptors of max pooling and BatchNorm: which generated variant runs for the
// arguments (four channels an invocation when channels % 4 == 0; the tiled pooling backward
// when windows do not overlap) and how many invocations it takes.
import type { KernelArgs, PoolShape } from '../engine/backend';
import maxPoolForward from '../../shaders/max_pool_forward.wgsl?raw';
import maxPoolForwardVec4 from '../../shaders/max_pool_forward_vec4.wgsl?raw';
import maxPoolBackward from '../../shaders/max_pool_backward.wgsl?raw';
import maxPoolBackwardTiled from '../../shaders/max_pool_backward_tiled.wgsl?raw';
import maxPoolBackwardTiledVec4 from '../../shaders/max_pool_backward_tiled_vec4.wgsl?raw';
import bnStats from '../../shaders/bn_stats.wgsl?raw';
import bnStatsVec4 from '../../shaders/bn_stats_vec4.wgsl?raw';
import bnForward from '../../shaders/bn_forward.wgsl?raw';
import bnForwardVec4 from '../../shaders/bn_forward_vec4.wgsl?raw';
import bnGradParams from '../../shaders/bn_grad_params.wgsl?raw';
import bnGradParamsVec4 from '../../shaders/bn_grad_params_vec4.wgsl?raw';
import bnGradInput from '../../shaders/bn_grad_input.wgsl?raw';
import bnGradInputVec4 from '../../shaders/bn_grad_input_vec4.wgsl?raw';
import { dispatch1d } from './dispatch';
import type { KernelDescriptor } from './kernels';
import { BN_STATS_PARAMS } from './wgsl/layouts';
import { bnParams, params, poolParams } from './wgsl/params';

const WG = 64;

/** Channels per invocation of a variant: four for the `vec4` ones. */
const lanes = (v: string) => (v.endsWith('vec4') ? 4 : 1);
/** The vec4 variant reads a pixel's (or row's) channels four at a time. */
const byChannels = (channels: number, name: string) => (channels % 4 === 0 ? `${name}vec4` : name);

/** Pooled outputs times channels: the forward's (and the tiled backward's) invocations. */
const pooled = (a: PoolShape) => a.batch * a.outHeight * a.outWidth * a.channels;

/** Windows that do not overlap let each pooled output write its own tile of dx. */
export function poolBackwardVariant(a: KernelArgs['maxPoolBackward']): string {
  return a.stride >= a.kernel ? byChannels(a.channels, 'tiled') : 'main';
}

type PoolNormName =
  'maxPoolForward' | 'maxPoolBackward' | 'bnStats' | 'bnForward' | 'bnGradParams' | 'bnGradInput';

const bnVariant = (a: { channels: number }) => byChannels(a.channels, 'main');
const bnSources = (main: string, vec4: string) => ({ main, mainvec4: vec4 });

export const POOL_NORM_KERNELS: { [K in PoolNormName]: KernelDescriptor<K> } = {
  maxPoolForward: {
    sources: { main: maxPoolForward, mainvec4: maxPoolForwardVec4 },
    variant: (a) => byChannels(a.channels, 'main'),
    constants: () => ({ WG }),
    ...poolParams,
    buffers: (a) => [a.x, a.y, a.idx],
    dispatch: (a, c, v) => dispatch1d(pooled(a) / lanes(v), c.WG),
  },
  maxPoolBackward: {
    sources: {
      main: maxPoolBackward,
      tiled: maxPoolBackwardTiled,
      tiledvec4: maxPoolBackwardTiledVec4,
    },
    variant: poolBackwardVariant,
    constants: (a) => ({ WG, HAS_RELU: a.relu ? 1 : 0 }),
    ...poolParams,
    buffers: (a) => [a.dy, a.idx, a.relu ?? null, a.dx],
    dispatch: (a, c, v) =>
      v === 'main'
        ? dispatch1d(a.batch * a.height * a.width * a.channels, c.WG)
        : dispatch1d(pooled(a) / lanes(v), c.WG),
  },
  bnStats: {
    sources: bnSources(bnStats, bnStatsVec4),
    variant: bnVariant,
    constants: (a) => ({ TRAINING: a.training ? 1 : 0 }),
    ...params(BN_STATS_PARAMS, (a: KernelArgs['bnStats']) => ({
      rows: a.rows,
      channels: a.channels,
      eps: a.eps,
      momentum: a.momentum,
    })),
    buffers: (a) => [a.x, a.stats, a.running],
    // One workgroup per channel (per four in the vec4 variant).
    dispatch: (a, _c, v) => [a.channels / lanes(v), 1, 1],
  },
  bnForward: {
    sources: bnSources(bnForward, bnForwardVec4),
    variant: bnVariant,
    constants: (a) => ({ WG, RELU: a.relu ? 1 : 0 }),
    ...bnParams,
    buffers: (a) => [a.x, a.stats, a.gb, a.y],
    dispatch: (a, c, v) => dispatch1d((a.rows * a.channels) / lanes(v), c.WG),
  },
  bnGradParams: {
    sources: bnSources(bnGradParams, bnGradParamsVec4),
    variant: bnVariant,
    constants: () => ({}),
    ...bnParams,
    buffers: (a) => [a.x, a.dy, a.stats, a.dgb],
    dispatch: (a, _c, v) => [a.channels / lanes(v), 1, 1],
  },
  bnGradInput: {
    sources: bnSources(bnGradInput, bnGradInputVec4),
    variant: bnVariant,
    constants: () => ({ WG }),
    ...bnParams,
    buffers: (a) => [a.x, a.dy, a.stats, a.gb, a.dgb, a.dx],
    dispatch: (a, c, v) => dispatch1d((a.rows * a.channels) / lanes(v), c.WG),
  },
};
