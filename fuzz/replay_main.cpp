// A plain main for every fuzz target: feeds each file named on the command line (directories
// recursively, in sorted order) to LLVMFuzzerTestOneInput, so any compiler runs the corpus as a
// CTest test and a crash found by libFuzzer reproduces without libFuzzer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// Inputs larger than this are not corpus files (run.sh caps libFuzzer at -max_len=4096); a limit
// keeps a wrong argument (a build tree, a disk image) from being read into memory.
constexpr std::uintmax_t input_size_max = std::uintmax_t{1} << 20;
constexpr std::size_t input_count_max = 100000;

/// Adds `path` (a file, or every regular file below a directory) to `inputs`. Returns false,
/// with a message printed, when the path cannot be read.
bool collect(const std::filesystem::path& path, std::vector<std::filesystem::path>& inputs) {
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) {
    inputs.push_back(path);
    return true;
  }
  if (!std::filesystem::is_directory(path, error)) {
    std::fprintf(stderr, "replay: %s: not a file or directory\n", path.c_str());
    return false;
  }
  std::vector<std::filesystem::path> found;
  std::filesystem::recursive_directory_iterator walk(path, error);
  const std::filesystem::recursive_directory_iterator end;
  for (; !error && walk != end; walk.increment(error)) {
    if (walk->is_regular_file(error)) found.push_back(walk->path());
    if (found.size() > input_count_max) {
      std::fprintf(stderr, "replay: %s: more than %zu files\n", path.c_str(), input_count_max);
      return false;
    }
  }
  if (error) {
    std::fprintf(stderr, "replay: %s: %s\n", path.c_str(), error.message().c_str());
    return false;
  }
  // Directory order depends on the file system; sorting makes every replay run alike.
  std::sort(found.begin(), found.end());
  inputs.insert(inputs.end(), found.begin(), found.end());
  return true;
}

bool read_bytes(const std::filesystem::path& path, std::vector<std::uint8_t>& bytes) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error || size > input_size_max) {
    std::fprintf(stderr, "replay: %s: %s\n", path.c_str(),
                 error ? error.message().c_str() : "larger than 1 MiB");
    return false;
  }
  // stdio rather than iostreams: GCC 12 reports false null dereferences inside streambuf here.
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    std::fprintf(stderr, "replay: %s: cannot open\n", path.c_str());
    return false;
  }
  bytes.resize(static_cast<std::size_t>(size));
  const std::size_t read = bytes.empty() ? 0 : std::fread(bytes.data(), 1, bytes.size(), file);
  const bool failed = std::ferror(file) != 0 || read != bytes.size();
  std::fclose(file);
  if (failed) {
    std::fprintf(stderr, "replay: %s: read error\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }
  std::vector<std::filesystem::path> inputs;
  for (int index = 1; index < argc; ++index) {
    if (!collect(argv[index], inputs)) return 2;
  }
  if (inputs.empty()) {
    // An empty corpus directory is a mistake (a typo, a lost checkout), not a passing test.
    std::fprintf(stderr, "replay: no inputs found\n");
    return 2;
  }
  std::vector<std::uint8_t> bytes;
  for (const std::filesystem::path& path : inputs) {
    if (!read_bytes(path, bytes)) return 2;
    // Printed before the call so that a crash names the input that caused it.
    std::fprintf(stderr, "replay: %s\n", path.c_str());
    std::fflush(stderr);
    // A copy of exactly `size` bytes, so ASan sees a read past the end of the input.
    const std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("replayed %zu inputs\n", inputs.size());
  return 0;
}
