/** The trained network as an ONNX model (see export.ts), and the pieces its tests and users read. */
export { exportOnnx, convToOihw, INPUT, OUTPUT, META, OPSET } from './export';
export { base64, maskBits, maskFromBits } from './masks';
export { nchwPixels } from './input';
export { runSummary, type RunSummaryView } from './summary';
