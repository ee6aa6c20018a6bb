// The `svcsim` executable: builds the command line, lets the named subcommand run, and turns
// what it concluded into the documented exit code. No servicing rule lives here. Started by
// mpirun or srun (built with MPI), it is one rank of several: only rank 0 writes, and only
// `compare` runs on more than one rank.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <streambuf>
#include <string>
#include <vector>

#include "check_command.hpp"
#include "compare_command.hpp"
#include "dism_command.hpp"
#include "explore_command.hpp"
#include "import_command.hpp"
#include "replay_command.hpp"
#include "run_command.hpp"
#include "svcsim/cluster/cluster.hpp"
#include "svcsim/model/text.hpp"
#include "text_escape.hpp"

#ifndef SVCSIM_VERSION
#define SVCSIM_VERSION "unknown"
#endif
#ifndef SVCSIM_GIT_REVISION
#define SVCSIM_GIT_REVISION "unknown"
#endif

namespace {

// Exit codes are part of the interface: scripts and CTest read them.
constexpr int exit_expectations_met = 0;
constexpr int exit_expectations_missed = 1;
constexpr int exit_bad_input = 2;
constexpr int exit_incomplete = 3;
constexpr int exit_replay_mismatch = 4;
constexpr int exit_unreachable = 5;
constexpr int exit_interrupted = 6;
constexpr int exit_invariant_violated = 10;

int exit_code(svcsim::cli::CommandOutcome outcome) {
  switch (outcome) {
    case svcsim::cli::CommandOutcome::expectations_met: return exit_expectations_met;
    case svcsim::cli::CommandOutcome::expectations_missed: return exit_expectations_missed;
    case svcsim::cli::CommandOutcome::bad_input: return exit_bad_input;
    case svcsim::cli::CommandOutcome::incomplete: return exit_incomplete;
    case svcsim::cli::CommandOutcome::invariant_violated: return exit_invariant_violated;
    case svcsim::cli::CommandOutcome::replay_mismatch: return exit_replay_mismatch;
    case svcsim::cli::CommandOutcome::unreachable: return exit_unreachable;
    case svcsim::cli::CommandOutcome::interrupted: return exit_interrupted;
  }
  return exit_bad_input;
}

/// "run, explore, check, import, replay, dism".
std::string subcommand_names(const std::vector<svcsim::cli::Command>& commands) {
  std::string names;
  for (const svcsim::cli::Command& command : commands) {
    names += (names.empty() ? "" : ", ") + command.subcommand->get_name();
  }
  // The emulator takes DISM's syntax, so it is dispatched before CLI11 and is not one of its
  // subcommands; it is one of svcsim's all the same.
  return names + ", dism";
}

/// The one line for a first word that names no subcommand ("svcsim frobnicate", "svcsim RUN").
/// CLI11 would only say "A subcommand is required".
std::string unknown_subcommand(const std::string& word,
                               const std::vector<svcsim::cli::Command>& commands) {
  std::string message = "svcsim: unknown subcommand " + svcsim::model::detail::quote(word) +
                        " (subcommands: " + subcommand_names(commands) + ")";
  for (const svcsim::cli::Command& command : commands) {
    const std::string& name = command.subcommand->get_name();
    if (name.size() == word.size() && strncasecmp(name.c_str(), word.c_str(), name.size()) == 0) {
      return message + "; subcommands are lower case: did you mean '" + name + "'?";
    }
  }
  return message + "; see svcsim --help";
}

/// Swallows what a rank other than 0 writes to std::cout and std::cerr for the life of main: every
/// rank runs the same command on the same input and would print the same lines (help, errors,
/// the report). Failed assertions go to C's stderr, untouched, so a bug on any rank still shows.
/// The streams get their buffers back before main returns, while this buffer still exists.
class QuietUnlessRankZero {
 public:
  QuietUnlessRankZero() {
    if (svcsim::cluster::rank() == 0) return;
    out_ = std::cout.rdbuf(&discard_);
    error_ = std::cerr.rdbuf(&discard_);
  }
  ~QuietUnlessRankZero() {
    if (out_ != nullptr) std::cout.rdbuf(out_);
    if (error_ != nullptr) std::cerr.rdbuf(error_);
  }
  QuietUnlessRankZero(const QuietUnlessRankZero&) = delete;
  QuietUnlessRankZero& operator=(const QuietUnlessRankZero&) = delete;

 private:
  class DiscardingBuffer : public std::streambuf {
   protected:
    int_type overflow(int_type character) override { return traits_type::not_eof(character); }
    std::streamsize xsputn(const char*, std::streamsize count) override { return count; }
  };
  DiscardingBuffer discard_;
  std::streambuf* out_ = nullptr;
  std::streambuf* error_ = nullptr;
};

/// The one line for a subcommand other than compare and explore started on several ranks.
std::string single_rank_only(const std::string& subcommand) {
  return "svcsim: " + subcommand + " runs on one rank only, and this is rank 0 of " +
         std::to_string(svcsim::cluster::size()) +
         "; only compare and explore split their work between MPI ranks: run it without mpirun "
         "(or with -np 1)";
}

/// The subcommands that split their work between MPI ranks.
bool runs_on_ranks(const std::string& subcommand) {
  return subcommand == "compare" || subcommand == "explore";
}

/// An exception that reached main: one line, and on several ranks the whole job ends with the
/// same code, since this rank can no longer keep in step with the others' collectives. Only rank
/// 0's std::cerr shows, so on several ranks the line goes to C's stderr, naming the rank.
int unexpected_end(const std::string& message, int code) {
  if (svcsim::cluster::size() == 1) {
    std::cerr << "svcsim: " << message << "\n";
    return code;
  }
  std::fprintf(stderr, "svcsim: rank %d of %d: %s\n", svcsim::cluster::rank(), svcsim::cluster::size(),
               message.c_str());
  std::fflush(stderr);
  svcsim::cluster::abort_if_several_ranks(code);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // MPI when a launcher started this process (cluster.hpp); a plain run is rank 0 of 1.
  const svcsim::cluster::Session session(argc, argv);
  const QuietUnlessRankZero quiet;
  // The DISM emulator speaks DISM's syntax (/Online, /Add-Package), which CLI11 cannot parse.
  if (int first = 0; svcsim::cli::is_dism_invocation(argc, argv, &first)) {
    if (svcsim::cluster::size() > 1) {
      std::cerr << single_rank_only("dism") << "\n";
      return exit_bad_input;
    }
    return svcsim::cli::run_dism_command(argc, argv, first);
  }
  CLI::App app{"svcsim: simulate Windows servicing sequences (CBS/DISM) and check them"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("svcsim ") + SVCSIM_VERSION + " (git " + SVCSIM_GIT_REVISION + ")",
                       "Print the version and the git revision it was built from, and exit");
  app.footer(
      "Exit codes: 0 the result matches the scenario's expect block (or it states none) and no\n"
      "run ends in a --fail-on class; 1 an expectation missed or a --fail-on class reached; 2 bad\n"
      "scenario file or bad arguments (under mpirun: ranks that disagree, or a subcommand\n"
      "other than compare and explore on several ranks); 3 incomplete (a state or memory limit\n"
      "was reached, or memory ran out); 4 replay: a step did not do what the model predicted; 5 replay: the\n"
      "machine could not be reached; 6 replay: interrupted (--resume continues it); 10 the\n"
      "servicing model violated an invariant (a bug in svcsim).\n"
      "svcsim SUBCOMMAND --help describes each subcommand.");
  // Like every other bad-argument message: one line on stderr, prefixed with the tool's name.
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    return "svcsim: " + svcsim::cli::visible(error.what()) + " (see svcsim --help)\n";
  });

  // One entry per subcommand.
  const std::vector<svcsim::cli::Command> commands = {
      svcsim::cli::register_run_command(app),
      svcsim::cli::register_explore_command(app),
      svcsim::cli::register_check_command(app),
      svcsim::cli::register_import_command(app),
      svcsim::cli::register_compare_command(app),
      svcsim::cli::register_replay_command(app),
  };

  if (argc < 2) {
    std::cerr << "svcsim: a subcommand is required (subcommands: " << subcommand_names(commands)
              << "; see svcsim --help)\n";
    return exit_bad_input;
  }
  // The first word is the subcommand (the program itself has only --help and --version).
  if (argv[1][0] != '-') {
    bool known = false;
    for (const svcsim::cli::Command& command : commands) {
      known = known || command.subcommand->get_name() == argv[1];
    }
    if (!known) {
      std::cerr << unknown_subcommand(argv[1], commands) << "\n";
      return exit_bad_input;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 prints help or the version (exit 0) or its own message; its codes (105, 106, ...)
    // are not ours: every malformed command line is exit 2.
    const int cli11_code = app.exit(error);
    return cli11_code == 0 ? 0 : exit_bad_input;
  }

  for (const svcsim::cli::Command& command : commands) {
    if (!command.subcommand->parsed()) continue;
    // Every rank parsed the same words and refuses alike, before any collective.
    if (svcsim::cluster::size() > 1 && !runs_on_ranks(command.subcommand->get_name())) {
      std::cerr << single_rank_only(command.subcommand->get_name()) << "\n";
      return exit_bad_input;
    }
    try {
      return exit_code(command.execute());
    } catch (const std::bad_alloc&) {
      // Running out of memory says nothing about the input: the result is incomplete.
      return unexpected_end("out of memory; the result is incomplete (explore and check take "
                            "--max-memory-mib to stop cleanly below what this machine can give)",
                            exit_incomplete);
    } catch (const std::exception& error) {
      // User and environment errors may throw at this edge (style.md); they become one line.
      return unexpected_end(svcsim::cli::visible(error.what()), exit_bad_input);
    }
  }
  // require_subcommand(1) makes CLI11 reject a command line without one.
  std::cerr << "svcsim: no subcommand given\n";
  return exit_bad_input;
}
