// svcsim_synthetic_chain N [K]: prints the synthetic servicing chain of N packages (and a fault
// budget of K over four fault kinds) as a scenario file, for `svcsim explore` at scale.
#include <cstdio>
#include <cstdlib>

#include "svcsim/simulator/synthetic_chain.hpp"

int main(int argc, char** argv) {
  using namespace svcsim;
  const int package_count = argc > 1 ? std::atoi(argv[1]) : 0;
  const int fault_count = argc > 2 ? std::atoi(argv[2]) : 0;
  if (argc < 2 || argc > 3 || package_count < 1 || package_count > model::package_count_max ||
      fault_count < 0 || fault_count > 8) {
    std::fprintf(stderr, "usage: svcsim_synthetic_chain N [K]   (1 <= N <= 64, 0 <= K <= 8)\n");
    return 2;
  }
  const model::FaultSet kinds =
      model::fault_bit(model::Fault::execute_failure) | model::fault_bit(model::Fault::power_loss_staging) |
      model::fault_bit(model::Fault::startup_failure) | model::fault_bit(model::Fault::commit_interrupted);
  const std::string yaml = simulator::synthetic_chain_yaml(
      {.package_count = package_count, .fault_count_max = fault_count,
       .fault_kinds = fault_count > 0 ? kinds : model::FaultSet{0}, .path = "synthetic"});
  std::fputs(yaml.c_str(), stdout);
  return 0;
}
