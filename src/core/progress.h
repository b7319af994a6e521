// Progress of long work: a bar with rate and ETA on a terminal, silent otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace lmrec {

class Progress {
 public:
  virtual ~Progress() = default;
  // Starts a phase of `total` units (0 when unknown) named `label`, e.g. "import" in "lines".
  virtual void start(const std::string& label, int64_t total, const std::string& unit) = 0;
  // Moves the current phase forward by `n` units. Cheap enough to call per batch.
  virtual void advance(int64_t n) = 0;
  // Sets a short status shown after the bar (e.g. "loss 0.231").
  virtual void status(const std::string& text) = 0;
  virtual void finish() = 0;
};

// Discards everything; for tests and library callers that want no output.
class NullProgress : public Progress {
 public:
  void start(const std::string&, int64_t, const std::string&) override {}
  void advance(int64_t) override {}
  void status(const std::string&) override {}
  void finish() override {}
};

// Draws on stderr at most ~10 times a second, and only when stderr is a terminal.
class TerminalProgress : public Progress {
 public:
  explicit TerminalProgress(bool enabled);
  static bool stderr_is_terminal();
  void start(const std::string& label, int64_t total, const std::string& unit) override;
  void advance(int64_t n) override;
  void status(const std::string& text) override;
  void finish() override;

 private:
  using Clock = std::chrono::steady_clock;
  void draw(bool final_line);
  bool enabled_;
  std::string label_, unit_, status_;
  int64_t total_ = 0, done_ = 0;
  Clock::time_point started_, last_draw_;
};

// Human-readable seconds: "42s", "3m05s", "1h02m".
std::string format_duration(double seconds);
// Human-readable rate: "1.23M", "45.6k", "789".
std::string format_count(double value);

}  // namespace lmrec
