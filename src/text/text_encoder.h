// Sentence embeddings: texts in, one dense vector per text out. Callers (the CLI, semantic
// models) see only this interface, so a larger encoder can replace the default one by name.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/options.h"

namespace lmrec {

class TextEncoder {
 public:
  virtual ~TextEncoder() = default;
  // Identifies the model and its weights (e.g. "use-lite@0.2.0"); cached vectors are keyed by it,
  // so it must change whenever the outputs could.
  virtual std::string name() const = 0;
  virtual int dim() const = 0;
  // Row-major [texts.size() × dim()]. Texts are UTF-8 (invalid bytes read as U+FFFD). Safe to
  // call from several threads at once.
  virtual std::vector<float> encode(std::span<const std::string> texts) const = 0;
};

// Builds an encoder by name: "use-lite" (options: model_dir, batch_tokens, verify). Throws
// ConfigError for an unknown name or option, IoError / FormatError for missing or bad weights.
std::unique_ptr<TextEncoder> make_text_encoder(const std::string& name, const Options& options);
std::vector<std::string> text_encoder_names();

}  // namespace lmrec
