import { downloadModel, selectCanExportModel, selectModelExport, useStore } from '../state';

/**
 * "Download model (ONNX)": the trained network as a file any ONNX runtime reads, with the
 * weights of the moment the run paused or finished.
 */
export function ModelDownload() {
  const enabled = useStore(selectCanExportModel);
  const { pending, message } = useStore(selectModelExport);
  return (
    <>
      <button
        onClick={() => void downloadModel()}
        disabled={!enabled}
        title={enabled ? undefined : 'Pause the run or let it finish to export its network'}
        data-testid="export-onnx"
      >
        {pending ? 'Exporting…' : 'Download model (ONNX)'}
      </button>
      {message && (
        <span role="alert" data-testid="export-onnx-error">
          {' '}
          {message}
        </span>
      )}
    </>
  );
}
