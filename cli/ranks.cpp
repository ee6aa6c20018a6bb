// ranks.hpp: the agreement of the ranks before their first collective.
#include "ranks.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "svcsim/cluster/cluster.hpp"
#include "svcsim/model/text.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

std::uint64_t fnv1a(std::uint64_t hash, std::string_view bytes) {
  constexpr std::uint64_t prime = 0x100000001b3;
  for (const char byte : bytes) hash = (hash ^ static_cast<unsigned char>(byte)) * prime;
  return hash;
}

}  // namespace

std::uint64_t input_fingerprint(const std::string& path, std::string_view arguments) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  const std::uint64_t hash = fnv1a(fnv1a(0xcbf29ce484222325, bytes.str()), arguments);
  return hash == 0 ? 1 : hash;
}

bool ranks_agree(std::uint64_t mine, const std::string& path) {
  const std::vector<std::uint64_t> ready = cluster::all_gather(mine);
  if (mine == 0) return false;  // this rank's own line is printed, if it is rank 0
  const std::string file = model::detail::quote(visible(path));
  for (std::size_t other = 0; other < ready.size(); ++other) {
    if (ready[other] == 0) {
      std::cerr << fmt::format("svcsim: rank {} of {} could not check the arguments or load {}; "
                               "every rank must read the same files\n",
                               other, ready.size(), file);
      return false;
    }
    if (ready[other] != ready[0]) {
      std::cerr << fmt::format("svcsim: rank {} of {} read another {} or other arguments than "
                               "rank 0; every rank must read the same files\n",
                               other, ready.size(), file);
      return false;
    }
  }
  return true;
}

int local_rank_count() {
  const char* text = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (text == nullptr) return 1;
  int count = 0;
  const std::string_view view(text);
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), count);
  return error == std::errc{} && end == view.data() + view.size() && count >= 1 ? count : 1;
}

}  // namespace svcsim::cli
