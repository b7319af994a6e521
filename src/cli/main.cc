// lmrec: one binary, one verb per subcommand.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <vector>

#include "cli/command.h"
#include "core/errors.h"
#include "core/threads.h"

namespace {

// Exit codes follow sysexits.h so scripts can tell bad input from bad usage from I/O trouble.
int report(const char* kind, const lmrec::Error& e, int code) {
  std::fprintf(stderr, "lmrec: %s: %s\n", kind, e.what());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lmrec;
  CLI::App app{"lmrec: a recommender engine, from interaction logs to served recommendations"};
  app.require_subcommand(1);
  cli::GlobalFlags flags;
  app.add_option("--threads", flags.threads, "worker threads (0 = all cores)");
  app.add_flag("--quiet,-q", flags.quiet, "no progress bars");
  std::vector<cli::Command> commands = {cli::add_import(app, flags), cli::add_train(app, flags),
                                        cli::add_eval(app, flags),   cli::add_recommend(app, flags),
                                        cli::add_info(app, flags),   cli::add_export(app, flags),
                                        cli::add_index(app, flags),  cli::add_serve(app, flags),
                                        cli::add_encode(app, flags), cli::add_explain(app, flags)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    set_threads(flags.threads);
    for (auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const InputError& e) {
    return report("bad input", e, 65);
  } catch (const FormatError& e) {
    return report("bad file", e, 65);
  } catch (const ConfigError& e) {
    return report("bad option", e, 64);
  } catch (const IoError& e) {
    return report("I/O error", e, 74);
  } catch (const Error& e) {
    return report("error", e, 70);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lmrec: internal error: %s\n", e.what());
    return 70;
  }
  return 0;
}
