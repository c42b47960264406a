#pragma once
// The message of the InputError an input raises: the tests of every file format check their
// errors through it.
#include <catch2/catch.hpp>

#include <string>

#include "confsim/sim/diagnostics.hpp"

namespace confsim::testing {

// Runs `load` and returns the full message of the sim::InputError it throws (one line per
// problem); fails the test when it throws none.
template <class Load>
std::string input_error_of(Load&& load) {
  try {
    load();
  } catch (const sim::InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError");
  return "";
}

}  // namespace confsim::testing
