// ONNX Runtime's CPU inference time for an ONNX file, as bench/compare_inference.sh
// runs it: node bench/ort_bench.js MODEL.onnx THREADS BATCH RUNS [SIZE]
// (NODE_PATH must reach onnxruntime-node). Prints one JSON line with median_ms.
const ort = require('onnxruntime-node');

async function main() {
  const [file, threads = '2', batch = '1', runs = '20', size = '224'] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const n = Number(batch), s = Number(size);
  const data = new Float32Array(n * 3 * s * s);
  for (let i = 0; i < data.length; ++i) data[i] = Math.random() * 2 - 1;
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, [n, 3, s, s]) };
  for (let i = 0; i < 3; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < Number(runs); ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const m = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  console.log(JSON.stringify({ runtime: 'onnxruntime-node', version: ort.env.versions ? ort.env.versions.common : '', threads: Number(threads), batch: n, median_ms: m }));
}
main().catch((e) => { console.error(e.message); process.exit(1); });
