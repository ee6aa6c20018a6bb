// Result<T, E>: GCC 12 has no std::expected in C++20, so this is a small stand-in with the same
// member names (has_value, value, error, operator*, operator->). Servicing outcomes and user
// errors are values, never exceptions, inside model/ and simulator/.
#pragma once

#include <utility>
#include <variant>

#include "svcsim/model/assert.hpp"

namespace svcsim {

/// The value of a check that has nothing to return but success: `Result<Ok, std::string>`.
struct Ok {
  friend bool operator==(Ok, Ok) = default;
};

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return {std::forward<E>(error)};
}

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Unexpected<E> error) : storage_(std::in_place_index<1>, std::move(error.error)) {}  // NOLINT

  bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    SVCSIM_ASSERT_MSG(has_value(), "Result::value() on an error");
    return std::get<0>(storage_);
  }
  const T& value() const& {
    SVCSIM_ASSERT_MSG(has_value(), "Result::value() on an error");
    return std::get<0>(storage_);
  }
  T&& value() && {
    SVCSIM_ASSERT_MSG(has_value(), "Result::value() on an error");
    return std::get<0>(std::move(storage_));
  }
  const E& error() const& {
    SVCSIM_ASSERT_MSG(!has_value(), "Result::error() on a value");
    return std::get<1>(storage_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> storage_;
};

}  // namespace svcsim
