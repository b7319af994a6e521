#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace lmrec {

std::string format_duration(double seconds) {
  char buf[32];
  auto s = static_cast<int64_t>(seconds + 0.5);
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>((s % 3600) / 60));
  return buf;
}

std::string format_count(double value) {
  char buf[32];
  if (value >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", value / 1e6);
  else if (value >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", value / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", value);
  return buf;
}

TerminalProgress::TerminalProgress(bool enabled) : enabled_(enabled) {}

bool TerminalProgress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void TerminalProgress::start(const std::string& label, int64_t total, const std::string& unit) {
  label_ = label;
  unit_ = unit;
  total_ = total;
  done_ = 0;
  status_.clear();
  started_ = last_draw_ = Clock::now();
}

void TerminalProgress::advance(int64_t n) {
  done_ += n;
  if (!enabled_) return;
  auto now = Clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(false);
}

void TerminalProgress::status(const std::string& text) { status_ = text; }

void TerminalProgress::finish() {
  if (enabled_) draw(true);
}

void TerminalProgress::draw(bool final_line) {
  double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  std::string line = "\r" + label_ + " ";
  if (total_ > 0) {
    constexpr int kWidth = 28;
    double frac = std::min(1.0, static_cast<double>(done_) / total_);
    int fill = static_cast<int>(frac * kWidth);
    line += "[" + std::string(fill, '#') + std::string(kWidth - fill, '.') + "] ";
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%% ", frac * 100);
    line += pct;
  }
  line += format_count(done_) + " " + unit_ + " " + format_count(rate) + "/s";
  if (total_ > 0 && rate > 0 && !final_line)
    line += " ETA " + format_duration((total_ - done_) / rate);
  if (final_line) line += " in " + format_duration(elapsed);
  if (!status_.empty()) line += " " + status_;
  line += "\033[K";
  if (final_line) line += "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace lmrec
