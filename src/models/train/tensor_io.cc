#include "models/train/tensor_io.h"

#include <ATen/CPUGeneratorImpl.h>

#include <sstream>

#include "core/errors.h"

namespace lmrec {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k) s += (k ? "×" : "") + std::to_string(shape[k]);
  return s + "]";
}

}  // namespace

void write_parameters(BinaryWriter& out, const torch::nn::Module& net) {
  auto named = net.named_parameters();
  out.u64(named.size());
  for (const auto& item : named) {
    torch::Tensor t = item.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    out.str(item.key());
    out.array(t.sizes().vec());
    std::vector<float> data(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    out.array(data);
  }
}

void read_parameters(BinaryReader& in, torch::nn::Module& net, const std::string& path) {
  auto named = net.named_parameters();
  uint64_t n = in.u64();
  if (n != named.size())
    LMREC_THROW(FormatError, path + ": " + std::to_string(n) + " parameter tensors, expected " +
                                 std::to_string(named.size()));
  torch::NoGradGuard no_grad;
  for (auto& item : named) {
    std::string name = in.str();
    auto shape = in.array<int64_t>();
    auto data = in.array<float>();
    if (name != item.key() || shape != item.value().sizes().vec())
      LMREC_THROW(FormatError, path + ": parameter " + name + " " + shape_text(shape) +
                                   " where the model has " + item.key() + " " +
                                   shape_text(item.value().sizes().vec()));
    if (static_cast<int64_t>(data.size()) != item.value().numel())
      LMREC_THROW(FormatError, path + ": parameter " + name + " holds " +
                                   std::to_string(data.size()) + " values for shape " +
                                   shape_text(shape));
    auto source = torch::from_blob(data.data(), item.value().sizes(), torch::kFloat32);
    item.value().copy_(source);
  }
}

std::vector<torch::Tensor> copy_parameters(const torch::nn::Module& net) {
  std::vector<torch::Tensor> copies;
  for (const auto& p : net.parameters()) copies.push_back(p.detach().clone());
  return copies;
}

void restore_parameters(torch::nn::Module& net, const std::vector<torch::Tensor>& saved) {
  torch::NoGradGuard no_grad;
  auto params = net.parameters();
  for (size_t k = 0; k < params.size(); ++k) params[k].copy_(saved[k]);
}

std::string optimizer_bytes(torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  return bytes.str();
}

void load_optimizer_bytes(torch::optim::Optimizer& optimizer, const std::string& bytes,
                          const std::string& path) {
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    optimizer.load(archive);
  } catch (const c10::Error& e) {
    LMREC_THROW(FormatError, path + ": optimiser state does not fit this model: " +
                                 std::string(e.what_without_backtrace()));
  }
}

torch::Tensor to_tensor(const std::vector<int64_t>& v, torch::Device device) {
  auto n = static_cast<int64_t>(v.size());
  return torch::from_blob(const_cast<int64_t*>(v.data()), {n}, torch::kLong)
      .to(device, false, true);
}

torch::Tensor to_tensor(const std::vector<float>& v, torch::Device device) {
  auto n = static_cast<int64_t>(v.size());
  return torch::from_blob(const_cast<float*>(v.data()), {n}, torch::kFloat32)
      .to(device, false, true);
}

at::Generator make_generator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

}  // namespace lmrec
