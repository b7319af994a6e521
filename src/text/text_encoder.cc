#include "text/text_encoder.h"

#include "core/errors.h"
#include "text/use_lite.h"

namespace lmrec {

std::unique_ptr<TextEncoder> make_text_encoder(const std::string& name, const Options& options) {
  if (name == "use-lite") return std::make_unique<UseLiteEncoder>(UseLiteOptions::parse(options));
  LMREC_THROW(ConfigError, "unknown text encoder '" + name + "' (known: use-lite)");
}

std::vector<std::string> text_encoder_names() { return {"use-lite"}; }

}  // namespace lmrec
