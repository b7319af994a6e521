#include "text/tfjs_weights.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/hash.h"
#include "core/json_depth.h"

namespace lmrec {
namespace {

std::string read_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) LMREC_THROW(IoError, "cannot open " + what + " " + path + ": " + std::strerror(errno));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) LMREC_THROW(IoError, "cannot read " + what + " " + path);
  return data;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + "]";
}

// Splits one manifest group's concatenated shard bytes into tensors.
void read_group(const nlohmann::json& group, const std::string& dir, const std::string& manifest,
                const std::map<std::string, uint64_t>& digests,
                std::map<std::string, TfjsTensor>& out) {
  std::string bytes;
  std::vector<std::pair<std::string, size_t>> shard_ends;  // file, end offset in `bytes`
  for (const auto& name : group.at("paths")) {
    std::string path = (std::filesystem::path(dir) / name.get<std::string>()).string();
    std::string data = read_file(path, "weight shard");
    auto expected = digests.find(name.get<std::string>());
    if (expected != digests.end() && hash_bytes(data.data(), data.size()) != expected->second)
      LMREC_THROW(FormatError, path +
                                   ": weight shard is corrupted (checksum mismatch; fetch it "
                                   "again with scripts/fetch-use-lite)");
    bytes += data;
    shard_ends.emplace_back(path, bytes.size());
  }
  size_t offset = 0;
  for (const auto& spec : group.at("weights")) {
    TfjsTensor t;
    std::string name = spec.at("name").get<std::string>();
    t.shape = spec.at("shape").get<std::vector<int64_t>>();
    t.dtype = spec.at("dtype").get<std::string>();
    if (spec.contains("quantization"))
      LMREC_THROW(FormatError, manifest + ": weight " + name + " is quantised (not supported)");
    if (t.dtype != "float32" && t.dtype != "int32")
      LMREC_THROW(FormatError, manifest + ": weight " + name + " has dtype " + t.dtype);
    size_t n = static_cast<size_t>(t.size()), size = n * 4;
    if (offset + size > bytes.size()) {
      std::string last = shard_ends.empty() ? dir : shard_ends.back().first;
      LMREC_THROW(FormatError, last + ": weight shard is truncated (the manifest needs " +
                                   std::to_string(offset + size) + " bytes in its shards, they " +
                                   "hold " + std::to_string(bytes.size()) + ")");
    }
    if (t.dtype == "float32") {
      t.floats.resize(n);
      std::memcpy(t.floats.data(), bytes.data() + offset, size);
    } else {
      t.ints.resize(n);
      std::memcpy(t.ints.data(), bytes.data() + offset, size);
    }
    offset += size;
    out[name] = std::move(t);
  }
  if (offset != bytes.size())
    LMREC_THROW(FormatError, shard_ends.back().first + ": weight shards hold " +
                                 std::to_string(bytes.size() - offset) +
                                 " bytes more than the manifest describes");
}

}  // namespace

int64_t TfjsTensor::size() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

TfjsWeights TfjsWeights::load(const std::string& dir,
                              const std::map<std::string, uint64_t>& shard_digests) {
  TfjsWeights w;
  w.manifest_path_ = (std::filesystem::path(dir) / "model.json").string();
  nlohmann::json model;
  try {
    model = parse_json_bounded(read_file(w.manifest_path_, "model manifest"), w.manifest_path_);
    for (const auto& group : model.at("weightsManifest"))
      read_group(group, dir, w.manifest_path_, shard_digests, w.tensors_);
  } catch (const nlohmann::json::exception& e) {
    LMREC_THROW(FormatError,
                w.manifest_path_ + ": not a TensorFlow.js model manifest (" + e.what() + ")");
  }
  return w;
}

const std::vector<float>& TfjsWeights::floats(const std::string& name,
                                              const std::vector<int64_t>& shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end())
    LMREC_THROW(FormatError, manifest_path_ + ": weight " + name + " is missing");
  if (it->second.dtype != "float32" || it->second.shape != shape)
    LMREC_THROW(FormatError, manifest_path_ + ": weight " + name + " is " + it->second.dtype + " " +
                                 shape_text(it->second.shape) + ", expected float32 " +
                                 shape_text(shape));
  return it->second.floats;
}

}  // namespace lmrec
