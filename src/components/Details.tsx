import {
  selectAdapter,
  selectBackend,
  selectConfig,
  selectEpochs,
  selectGpuMemory,
  selectInitialLayers,
  selectProjector,
  useStore,
} from '../state';
import { formatValue, PARAMS } from '../url/params';
import { formatBytes } from './format';

const KERNEL_WORDS: Record<string, string> = { dense: 'dense', csr: 'sparse (CSR)' };

/** Which kernels each layer runs on now: sparse ones where the density makes them faster. */
function LayerKernels() {
  const epochs = useStore(selectEpochs);
  const initial = useStore(selectInitialLayers);
  const layers = epochs[epochs.length - 1]?.layers ?? initial;
  if (layers.length === 0) return null;
  return (
    <p className="kernels" data-testid="layer-kernels">
      Kernels:{' '}
      {layers
        .map(
          (l) =>
            `${l.name} ${KERNEL_WORDS[l.kernel] ?? `sparse (${l.kernel.replace('block', 'block ')})`}`,
        )
        .join(' · ')}
    </p>
  );
}

function Device() {
  const backend = useStore(selectBackend);
  const adapter = useStore(selectAdapter);
  const gpu = useStore(selectGpuMemory);
  return (
    <>
      {backend && (
        <p data-testid="device">
          Training on {backend === 'webgpu' ? 'WebGPU' : 'the CPU'}: {adapter}
        </p>
      )}
      {gpu && (
        <p
          className="gpu-memory"
          data-testid="gpu-memory"
          title="GPU buffers the training worker holds (after the last epoch, or after Reset)"
        >
          GPU memory: {gpu.buffers} buffers, {formatBytes(gpu.bytes)}
        </p>
      )}
    </>
  );
}

function ConfigSummary() {
  const config = useStore(selectConfig);
  const values = config as unknown as Record<string, unknown>;
  return (
    <div className="config">
      <h3>Experiment (from the URL)</h3>
      <dl>
        {PARAMS.filter((p) => p.key !== 'autorun').map((p) => (
          <div key={p.key} title={p.help}>
            <dt>{p.key}</dt>
            <dd data-testid={`config-${p.key}`}>{formatValue(values[p.key])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/**
 * For whoever wants the machinery: the device, each layer's kernels, the GPU memory the worker
 * holds, and every setting of the experiment. Folded on a projector, where it would distract.
 */
export function Details({ showConfig }: { showConfig: boolean }) {
  const projector = useStore(selectProjector);
  return (
    <details className="panel details" open={!projector} data-panel="details">
      <summary>
        <h2>Details: device, kernels, settings</h2>
      </summary>
      <Device />
      <LayerKernels />
      {showConfig && <ConfigSummary />}
    </details>
  );
}
