// Parameters of a libtorch module to and from our checksummed binary files, in-memory copies
// for best-epoch restore, and optimiser state as bytes. Parameters are written by name with
// their shapes, so loading into a module of another shape is a FormatError rather than a
// silent reinterpretation.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/binary_io.h"

namespace lmrec {

void write_parameters(BinaryWriter& out, const torch::nn::Module& net);
// Reads what write_parameters wrote into `net`, whose parameter names and shapes must match;
// `path` names the file in errors.
void read_parameters(BinaryReader& in, torch::nn::Module& net, const std::string& path);

// Detached copies of every parameter, and their restore.
std::vector<torch::Tensor> copy_parameters(const torch::nn::Module& net);
void restore_parameters(torch::nn::Module& net, const std::vector<torch::Tensor>& saved);

// An optimiser's state (moments, step counts) through torch's archive format.
std::string optimizer_bytes(torch::optim::Optimizer& optimizer);
void load_optimizer_bytes(torch::optim::Optimizer& optimizer, const std::string& bytes,
                          const std::string& path);

// Copies of host vectors as 1-D tensors on `device` (autograd may keep index tensors until the
// backward pass, after the vectors are gone).
torch::Tensor to_tensor(const std::vector<int64_t>& v, torch::Device device);
torch::Tensor to_tensor(const std::vector<float>& v, torch::Device device);

// A fresh generator for a seed: initialisation and sampling noise never touch torch's global
// generator, so concurrent models do not disturb each other's streams.
at::Generator make_generator(uint64_t seed);

}  // namespace lmrec
