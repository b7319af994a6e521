// The weights of a TensorFlow.js graph model: model.json's weightsManifest names each tensor, its
// shape and dtype, and the shard files that hold them back to back (little-endian, unquantised).
// Every problem is reported with the file it is in: a missing shard (IoError), a shard of the
// wrong size or a malformed manifest (FormatError).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace lmrec {

struct TfjsTensor {
  std::vector<int64_t> shape;
  std::string dtype;          // "float32" or "int32"
  std::vector<float> floats;  // float32 values
  std::vector<int32_t> ints;  // int32 values
  int64_t size() const;
};

class TfjsWeights {
 public:
  // Reads `dir`/model.json and its shards. `shard_digests` (optional) maps a shard's file name
  // to its expected hash_bytes() digest; a shard that differs is refused as corrupted.
  static TfjsWeights load(const std::string& dir,
                          const std::map<std::string, uint64_t>& shard_digests = {});

  bool has(const std::string& name) const { return tensors_.count(name) > 0; }
  // The float32 tensor `name` of exactly `shape`; FormatError naming model.json otherwise.
  const std::vector<float>& floats(const std::string& name,
                                   const std::vector<int64_t>& shape) const;
  const std::map<std::string, TfjsTensor>& tensors() const { return tensors_; }
  const std::string& manifest_path() const { return manifest_path_; }

 private:
  std::string manifest_path_;
  std::map<std::string, TfjsTensor> tensors_;
};

}  // namespace lmrec
