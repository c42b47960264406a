#include "support/run_files.hpp"

#include <hdf5.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "confsim/agents/registry.hpp"
#include "confsim/sim/simulation.hpp"

namespace confsim::testing {

const std::string kSmallScenario = R"(confsim: 1
name: small
model: epstein_civil_violence
preset: netlogo
seed: 5
calendar:
  start_date: 2019-10-01
  ticks: 20
grid:
  width: 20
  height: 20
government:
  legitimacy:
    value: 0.82
    source: {document: "Epstein 2002", quote: "legitimacy 0.82"}
citizens:
  density: 0.7
  vision: 3
cops:
  density: 0.04
  vision:
    value: 3
    assumption: "a smaller window for a smaller grid"
jail:
  max_term: 30
events:
  - name: shock
    at: 2019-10-06
    set: {government.legitimacy: 0.7}
  - name: erosion
    at: 8
    ramp: {path: government.legitimacy, to: 0.5, over: 5}
  - name: withdrawal
    at: 10
    remove_share: {population: cops, share: 0.25}
    repeat: {every: 2, times: 3}
)";

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("CONFSIM_TEST_TMP");
  return std::string(dir ? dir : CONFSIM_TEST_TMP) + "/" + name;
}

std::string source_path(const std::string& relative) { return std::string(CONFSIM_SOURCE_DIR) + "/" + relative; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

sim::ScenarioPtr scenario_from_text(const std::string& text, const std::vector<std::string>& overrides) {
  sim::LoadOptions options;
  options.overrides = overrides;
  return sim::load_scenario_text(text, "test.yaml", agents::model_schemas(), options);
}

namespace {
// Keeps what a run records in memory, for tests that only need the numbers.
class SeriesRecorder final : public sim::Recorder {
 public:
  std::vector<std::string> names;
  std::vector<std::size_t> elements;  // per variable: values per tick (the product of its extra dimensions)
  std::vector<std::vector<double>> values;  // per variable: tick-major, then its elements
  void begin(const sim::RunInfo&, const sim::OutputSchema& given) override {
    schema = given;
    std::map<std::string, std::size_t> size_of;
    for (const auto& d : schema.dimensions) size_of[d.name] = d.labels.empty() ? d.size : d.labels.size();
    for (const auto& v : schema.series) {
      names.push_back(v.name);
      std::size_t n = 1;
      for (const auto& d : v.dims) n *= size_of.at(d);
      elements.push_back(n);
    }
    values.resize(names.size());
  }
  void record_statics(const std::vector<sim::VariableData>&) override {}
  void record_tick(std::int64_t, const std::vector<double>& series) override {
    std::size_t next = 0;
    for (std::size_t i = 0; i < names.size(); ++i)
      for (std::size_t k = 0; k < elements[i]; ++k) values[i].push_back(series.at(next++));
  }
  std::vector<sim::EventRecord> events;
  sim::OutputSchema schema;
  void record_events(const std::vector<sim::EventRecord>& more) override {
    events.insert(events.end(), more.begin(), more.end());
  }
  void record_snapshot(std::int64_t, const std::vector<sim::VariableData>&) override {}
  void finish(const std::map<std::string, double>&, const std::map<std::string, double>&) override {}
};
}  // namespace

MemoryRun run_in_memory(const sim::ScenarioPtr& scenario, std::uint64_t seed, int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  sim::RunInfo info;
  info.scenario = scenario;
  info.seed = seed;
  info.threads = threads;
  auto model = agents::make_model(*scenario, seed);
  SeriesRecorder recorder;
  sim::run_simulation(info, *model, recorder);
  MemoryRun run;
  for (std::size_t i = 0; i < recorder.names.size(); ++i) run.series[recorder.names[i]] = recorder.values[i];
  run.events = std::move(recorder.events);
  run.schema = std::move(recorder.schema);
  return run;
}

std::int32_t MemoryRun::code(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw std::out_of_range("no category '" + name + "'");
  return static_cast<std::int32_t>(it - names.begin());
}

std::map<std::string, std::vector<double>> run_series(const sim::ScenarioPtr& scenario, std::uint64_t seed,
                                                      int threads) {
  return run_in_memory(scenario, seed, threads).series;
}

namespace {
herr_t collect(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  auto* out = static_cast<std::map<std::string, std::string>*>(data);
  const hid_t ds = H5Dopen2(root, name, H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  const hid_t space = H5Dget_space(ds);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::string bytes;
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char*> texts(static_cast<std::size_t>(n));
    if (n > 0) H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data());
    for (char* t : texts) bytes += std::string(t ? t : "") + '\0';
    if (n > 0) H5Dvlen_reclaim(type, space, H5P_DEFAULT, texts.data());
  } else {
    bytes.resize(static_cast<std::size_t>(n) * H5Tget_size(type));
    if (n > 0) H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
  }
  (*out)[name] = bytes;
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(ds);
  return 0;
}
}  // namespace

std::map<std::string, std::string> dataset_bytes(const std::string& h5_path) {
  const hid_t file = H5Fopen(h5_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw std::runtime_error("cannot open " + h5_path);
  std::map<std::string, std::string> out;
  H5Ovisit(file, H5_INDEX_NAME, H5_ITER_INC, collect, &out);
  H5Fclose(file);
  return out;
}

}  // namespace confsim::testing
