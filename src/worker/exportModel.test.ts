import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { trainingPart } from '../config';
import { CpuBackend } from '../cpu/backend';
import { softmaxRows } from '../engine/predict';
import { toyImages } from '../engine/toyData';
import { exportOnnx, INPUT, nchwPixels, OUTPUT } from '../onnx';
import { decode } from '../url/params';
import { EXPORT_REFUSALS } from './exportModel';
import type { ModelMessage, WorkerPost } from './protocol';
import { TrainingSession } from './session';

type Posted = WorkerPost & { run: number };

describe('TrainingSession: exporting the model', () => {
  it('refuses without a paused network; once done, the exported network answers as the session predicts', async () => {
    const posted: Posted[] = [];
    const test = toyImages(30, 2, 16, 1);
    const session = new TrainingSession({
      post: (m) => {
        posted.push(m);
        // Asked while training: refused.
        if (m.type === 'progress' && m.epoch === 1) session.handle({ type: 'exportModel', id: 2 });
      },
      makeBackend: () => Promise.resolve({ backend: new CpuBackend(), notice: null }),
      loadData: () => Promise.resolve({ train: toyImages(60, 1, 16, 1), test }),
      deviceMemory: () => ({ buffers: 0, bytes: 0 }),
    });
    const until = async (found: (m: Posted) => boolean) => {
      for (let i = 0; i < 4000; i++) {
        const m = posted.find(found);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`not posted; got ${posted.map((p) => p.type).join(' ')}`);
    };
    const model = (id: number) =>
      until((m) => m.type === 'model' && m.id === id) as Promise<ModelMessage>;

    session.handle({ type: 'exportModel', id: 1 });
    expect(await model(1)).toMatchObject({ network: null, refused: EXPORT_REFUSALS.noNetwork });
    const query = 'model=lenet5&density=0.3&epochs=2&batch=20&lr=0.05';
    const config = trainingPart(decode(query).config);
    session.handle({ type: 'start', config, baseUrl: 'http://t/', run: 1, stopAt: null });
    expect(await model(2)).toMatchObject({ network: null, refused: EXPORT_REFUSALS.notPaused });
    await until((m) => m.type === 'done');

    session.handle({ type: 'exportModel', id: 3 });
    const { network, refused } = await model(3);
    expect(refused).toBeNull();
    expect(network).toMatchObject({ model: 'lenet5', epoch: 2, globalStep: 6 });
    session.handle({ type: 'predictTest', id: 4, index: 7 });
    const answer = await until((m) => m.type === 'prediction' && m.id === 4);
    const probabilities = answer.type === 'prediction' ? answer.prediction!.probabilities : [];

    const onnxSession = await ort.InferenceSession.create(exportOnnx(network!, {}));
    const image = test.pixels.subarray(7 * test.features, 8 * test.features);
    const x = new ort.Tensor('float32', nchwPixels(image, test), [1, 1, 16, 16]);
    const logits = (await onnxSession.run({ [INPUT]: x }))[OUTPUT].data as Float32Array;
    const [fromOnnx] = softmaxRows(logits, test.classes);
    fromOnnx.forEach((p, i) => expect(p).toBeCloseTo(probabilities[i], 5));
  }, 60_000);
});
