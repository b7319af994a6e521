#include "models/ials_text.h"

#include <Eigen/Dense>
#include <algorithm>
#include <set>
#include <vector>

#include "core/errors.h"
#include "models/model_options.h"
#include "models/semantic.h"

namespace lmrec {

namespace {
constexpr char kMagic[9] = "lmrecIAT";
const std::set<std::string> kTextKeys = {"encoder", "model_dir", "cache", "text_regularization"};
}  // namespace

IalsTextOptions IalsTextOptions::parse(const Options& options) {
  Options ials;
  for (const auto& [key, value] : options.values())
    if (!kTextKeys.count(key)) ials.set(key, value);
  IalsTextOptions o;
  o.ials = IalsOptions::parse(ials);
  o.encoder = options.get_string("encoder", o.encoder);
  o.model_dir = options.get_string("model_dir", o.model_dir);
  o.cache = options.get_string("cache", o.cache);
  o.text_regularization = options.get_double("text_regularization", o.text_regularization);
  if (!(o.text_regularization > 0))
    LMREC_THROW(ConfigError, "ials_text: text_regularization must be > 0");
  return o;
}

Options IalsTextOptions::to_options() const {
  Options o = ials.to_options();
  o.set("encoder", encoder);
  o.set("model_dir", model_dir);
  o.set("cache", cache);
  o.set("text_regularization", format_option(text_regularization));
  return o;
}

IalsTextRecommender::IalsTextRecommender(IalsTextOptions options)
    : IalsRecommender(options.ials), options_(std::move(options)) {}

void IalsTextRecommender::fit(const Dataset& train, const FitContext& ctx) {
  IalsRecommender::fit(train, ctx);
  text_items_ = 0;
  std::vector<int32_t> trained, cold;
  for (int32_t i = 0; i < n_items_; ++i) (train.item_rows(i).empty() ? cold : trained).push_back(i);
  if (cold.empty() || trained.empty()) return;  // nothing to fill in, or nothing to learn from

  SemanticOptions text;
  text.encoder = options_.encoder;
  text.model_dir = options_.model_dir;
  text.cache = options_.cache;
  SemanticRecommender semantic(text);
  semantic.fit(train, ctx);
  const int32_t dim = semantic.dim(), k = factors_;
  if (dim == 0) return;
  const auto& vectors = semantic.item_vectors();
  auto has_text = [&](int32_t i) {
    const float* v = vectors.data() + static_cast<size_t>(i) * dim;
    return std::any_of(v, v + dim, [](float x) { return x != 0.0f; });
  };
  std::erase_if(trained, [&](int32_t i) { return !has_text(i); });
  std::erase_if(cold, [&](int32_t i) { return !has_text(i); });
  if (cold.empty() || trained.empty()) return;

  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const Matrix> all_text(vectors.data(), n_items_, dim);
  Eigen::Map<const Matrix> all_factors(item_factors_.data(), n_items_, k);
  Matrix x(trained.size(), dim), y(trained.size(), k);
  for (size_t r = 0; r < trained.size(); ++r)
    x.row(r) = all_text.row(trained[r]), y.row(r) = all_factors.row(trained[r]);
  Eigen::RowVectorXf mean = y.colwise().mean();
  y.rowwise() -= mean;
  // Normal equations in double: XᵀX of thousands of near-collinear sentence vectors loses
  // too much in float.
  Eigen::MatrixXd gram = (x.transpose() * x).cast<double>();
  gram.diagonal().array() += options_.text_regularization;
  Eigen::MatrixXd w = gram.ldlt().solve((x.transpose() * y).cast<double>());
  Matrix wf = w.cast<float>();

  std::vector<float> factors = item_factors_;
  Eigen::Map<Matrix> out(factors.data(), n_items_, k);
  for (int32_t i : cold) out.row(i) = mean + all_text.row(i) * wf;
  text_items_ = static_cast<int32_t>(cold.size());
  replace_item_factors(std::move(factors));
}

void IalsTextRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(!item_factors_.empty(), UsageError, "ials_text: save before fit()");
  save_factors(dir, kMagic, {});
}

void IalsTextRecommender::load_weights(const std::string& dir) {
  load_factors(dir, kMagic, 0);
  if (factors_ != options_.ials.factors)
    LMREC_THROW(FormatError, dir + "/factors.bin: " + std::to_string(factors_) +
                                 " factors, but the options say " +
                                 std::to_string(options_.ials.factors));
  replace_item_factors(item_factors_);
}

}  // namespace lmrec
