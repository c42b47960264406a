// libFuzzer target for the YAML loaders: the same bytes go to the scenario loader and the sweep
// loader, as a hand-written or generated file would. Refusing the input (InputError) is the
// expected answer to garbage; anything else that escapes (another exception, a crash, a sanitizer
// report, a hang) is a bug. Built by the `fuzz` preset (clang, -fsanitize=fuzzer,address,undefined);
// regression_main.cpp runs the same function over saved inputs in the ordinary test suite.
#include <cstddef>
#include <cstdint>
#include <string>

#include "confsim/agents/registry.hpp"
#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/scenario.hpp"
#include "confsim/sim/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace confsim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    sim::load_scenario_text(text, "fuzz/scenario.yaml", agents::model_schemas());
  } catch (const sim::InputError&) {
  }
  try {
    sim::load_sweep_text(text, "fuzz/sweep.yaml");
  } catch (const sim::InputError&) {
  }
  return 0;
}
