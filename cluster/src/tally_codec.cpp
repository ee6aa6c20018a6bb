// The byte form of a fleet tally (tally_codec.hpp): a Writer and a Reader of little-endian
// unsigned 64-bit words and length-prefixed strings, and the tally's fields through them in
// declaration order.
#include "svcsim/cluster/tally_codec.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "svcsim/model/assert.hpp"

namespace svcsim::cluster {
namespace {

using simulator::RingTally;
using simulator::StrategyTally;

// A tripwire: a field added to StrategyTally must be encoded below too, or ranks would drop it and
// an MPI run would differ from one process. The size moves with any new field on this platform.
static_assert(sizeof(StrategyTally) ==
                  (2 + model::outcome_class_count + 4 + 4) * sizeof(std::uint64_t) +
                      sizeof(std::map<std::int64_t, std::uint64_t>) +
                      sizeof(std::map<std::string, std::uint64_t>) + sizeof(std::vector<RingTally>),
              "StrategyTally changed: encode and decode the new field in tally_codec.cpp, then "
              "update this size");
static_assert(sizeof(RingTally) == 3 * 8, "RingTally changed: update tally_codec.cpp");

class Writer {
 public:
  void word(std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) bytes_.push_back(static_cast<char>(value >> (8 * byte) & 0xFFu));
  }
  void text(const std::string& value) {
    word(value.size());
    bytes_ += value;
  }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  std::uint64_t word() {
    SVCSIM_ASSERT_MSG(bytes_.size() - position_ >= 8, "a tally's bytes end inside a word");
    std::uint64_t value = 0;
    for (int byte = 0; byte < 8; ++byte) {
      value |= std::uint64_t{static_cast<unsigned char>(bytes_[position_++])} << (8 * byte);
    }
    return value;
  }
  /// A count of items each at least `item_bytes_min` long: bounded by what is left, so a bad
  /// count cannot make a loop run past the buffer.
  std::uint64_t count(std::uint64_t item_bytes_min) {
    const std::uint64_t value = word();
    SVCSIM_ASSERT_MSG(value <= (bytes_.size() - position_) / item_bytes_min,
                      "a tally's count is larger than its bytes");
    return value;
  }
  std::string text() {
    const std::uint64_t length = count(1);
    std::string value(bytes_.substr(position_, length));
    position_ += length;
    return value;
  }
  bool done() const { return position_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
};

}  // namespace

std::string encode_tally(const StrategyTally& tally) {
  Writer out;
  out.word(tally.devices);
  out.word(tally.not_installed);
  for (std::uint64_t count : tally.classes) out.word(count);
  out.word(tally.violations);
  out.word(tally.reboots);
  out.word(tally.faults_struck);
  out.word(tally.compliant);
  out.word(tally.compliance_minutes.size());
  for (const auto& [minutes, count] : tally.compliance_minutes) {
    out.word(static_cast<std::uint64_t>(minutes));  // two's complement, read back as it was
    out.word(count);
  }
  out.word(tally.end_baselines.size());
  for (const auto& [baseline, count] : tally.end_baselines) {
    out.text(baseline);
    out.word(count);
  }
  out.word(tally.rings.size());
  for (const RingTally& ring : tally.rings) {
    out.word(ring.devices);
    out.word(ring.original);
    out.word(ring.bad);
  }
  out.word(tally.blast_radius);
  out.word(tally.exposed_device_days);
  out.word(tally.regressed_device_days);
  out.word(tally.regressed_devices);
  return out.take();
}

StrategyTally decode_tally(std::string_view bytes) {
  Reader in(bytes);
  StrategyTally tally;
  tally.devices = in.word();
  tally.not_installed = in.word();
  for (std::uint64_t& count : tally.classes) count = in.word();
  tally.violations = in.word();
  tally.reboots = in.word();
  tally.faults_struck = in.word();
  tally.compliant = in.word();
  const std::uint64_t minutes_count = in.count(16);
  for (std::uint64_t index = 0; index < minutes_count; ++index) {
    const auto minutes = static_cast<std::int64_t>(in.word());
    const bool inserted = tally.compliance_minutes.emplace(minutes, in.word()).second;
    SVCSIM_ASSERT_MSG(inserted, "a tally's histogram holds a value twice");
  }
  const std::uint64_t baseline_count = in.count(16);
  for (std::uint64_t index = 0; index < baseline_count; ++index) {
    std::string baseline = in.text();
    const bool inserted = tally.end_baselines.emplace(std::move(baseline), in.word()).second;
    SVCSIM_ASSERT_MSG(inserted, "a tally's end baselines hold a baseline twice");
  }
  tally.rings.resize(in.count(24));
  for (RingTally& ring : tally.rings) {
    ring.devices = in.word();
    ring.original = in.word();
    ring.bad = in.word();
  }
  tally.blast_radius = in.word();
  tally.exposed_device_days = in.word();
  tally.regressed_device_days = in.word();
  tally.regressed_devices = in.word();
  SVCSIM_ASSERT_MSG(in.done(), "a tally's bytes go on past its last field");
  return tally;
}

StrategyTally merge_encoded(const std::vector<std::string_view>& parts) {
  StrategyTally whole;
  for (std::string_view part : parts) whole.merge(decode_tally(part));
  return whole;
}

}  // namespace svcsim::cluster
