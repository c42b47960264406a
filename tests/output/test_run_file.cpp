#include <catch2/catch.hpp>

#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "confsim/app/commands.hpp"
#include "confsim/output/run_file.hpp"
#include "support/run_files.hpp"

using namespace confsim;
namespace fs = std::filesystem;

namespace {
std::string write_small_run(const std::string& name, std::vector<std::string> overrides = {}) {
  const std::string scenario = testing::temp_path(name + ".yaml");
  std::ofstream(scenario) << testing::kSmallScenario;
  app::RunRequest request;
  request.scenario_path = scenario;
  request.output_path = testing::temp_path(name + ".h5");
  request.overrides = std::move(overrides);
  request.threads = 2;
  app::run_scenario(request);
  return request.output_path;
}

std::vector<std::string> leftovers(const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(testing::temp_path("")))
    if (entry.path().filename().string().find(prefix) != std::string::npos) out.push_back(entry.path().string());
  return out;
}
}  // namespace

TEST_CASE("the run file keeps everything needed to re-run", "[unit][output]") {
  const std::string path = write_small_run("keeps", {"citizens.vision=2"});
  CHECK(output::read_root_attribute(path, "scenario_text") == testing::kSmallScenario);
  CHECK(output::read_root_attribute(path, "seed") == "5");
  CHECK(output::read_root_attribute(path, "overrides") == "citizens.vision=2");
  CHECK(output::read_root_attribute(path, "start_date") == "2019-10-01");
  CHECK(output::read_root_attribute(path, "confsim_version") == app::version());
}

TEST_CASE("every dataset axis has a named dimension", "[unit][output]") {
  const auto summary = output::read_run_file_summary(write_small_run("dims"));
  for (const auto& v : summary.variables)
    for (const auto& d : v.dims) {
      INFO(v.group << "/" << v.name);
      CHECK(d != "?");
    }
  bool events_found = false;
  for (const auto& v : summary.variables)
    if (v.group == "events" && v.name == "kind") events_found = v.dims == std::vector<std::string>{"event"};
  CHECK(events_found);
}

TEST_CASE("a run that fails leaves no file under its name and no temporary file", "[unit][output]") {
  const std::string final_path = testing::temp_path("failed.h5");
  fs::remove(final_path);
  {
    output::RunFileWriter writer(final_path);
    sim::RunInfo info;
    info.scenario = testing::scenario_from_text(testing::kSmallScenario);
    writer.begin(info, sim::OutputSchema{});
    CHECK(fs::exists(writer.temporary_path()));
    CHECK_FALSE(fs::exists(final_path));
    // Destroyed without finish(), as when a run throws.
  }
  CHECK_FALSE(fs::exists(final_path));
  CHECK(leftovers(".failed.h5.tmp").empty());
}

TEST_CASE("an earlier result survives a failed re-run to the same name", "[unit][output]") {
  const std::string path = write_small_run("survives");
  const auto before = testing::dataset_bytes(path);
  {
    output::RunFileWriter writer(path);
    sim::RunInfo info;
    info.scenario = testing::scenario_from_text(testing::kSmallScenario);
    writer.begin(info, sim::OutputSchema{});
  }
  CHECK(testing::dataset_bytes(path) == before);
}

TEST_CASE("a missing output directory is reported before the run", "[unit][output][errors]") {
  app::RunRequest request;
  request.scenario_path = testing::source_path("scenarios/epstein/run2.yaml");
  request.output_path = testing::temp_path("no/such/dir/out.h5");
  CHECK_THROWS_WITH(app::run_scenario(request), Catch::Contains("does not exist"));
}

TEST_CASE("foreign, truncated and missing files are rejected with a reason", "[unit][output][errors]") {
  const std::string text_file = testing::temp_path("not_hdf5.h5");
  std::ofstream(text_file) << "hello";
  CHECK_THROWS_WITH(output::read_run_file_summary(text_file), Catch::Contains("not an HDF5 file"));

  const std::string foreign = testing::temp_path("foreign.h5");
  H5Fclose(H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  CHECK_THROWS_WITH(output::read_run_file_summary(foreign), Catch::Contains("not a confsim run file"));

  const std::string good = write_small_run("truncate");
  const std::string truncated = testing::temp_path("truncated.h5");
  fs::copy_file(good, truncated, fs::copy_options::overwrite_existing);
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  CHECK_THROWS(output::read_run_file_summary(truncated));

  CHECK_THROWS_WITH(output::read_run_file_summary(testing::temp_path("absent.h5")), Catch::Contains("no such file"));
}

TEST_CASE("series along a named categorical dimension get a coordinate holding the names", "[unit][output]") {
  const std::string path = testing::temp_path("regions.h5");
  sim::OutputSchema schema;
  schema.dimensions = {{"region", "region of the country", 0, {"Baghdad", "Basra", "Dhi Qar"}}};
  schema.series = {{"protesters", "active protesters", "1", {"region"}, sim::StorageType::int32, {}}};
  sim::RunInfo info;
  info.scenario = testing::scenario_from_text(testing::kSmallScenario, {"calendar.ticks=2"});
  {
    output::RunFileWriter writer(path);
    writer.begin(info, schema);
    writer.record_statics({});
    for (std::int64_t tick = 0; tick <= 2; ++tick)
      writer.record_tick(tick, {double(tick), double(10 * tick), double(100 * tick)});
    writer.finish({}, {});
  }
  const auto summary = output::read_run_file_summary(path);
  bool found = false;
  for (const auto& v : summary.variables)
    if (v.name == "protesters") {
      found = true;
      CHECK(v.dims == std::vector<std::string>{"time", "region"});
      CHECK(v.shape == std::vector<unsigned long long>{3, 3});
    }
  CHECK(found);
  const auto bytes = testing::dataset_bytes(path);
  CHECK(bytes.at("region") == std::string("Baghdad\0Basra\0Dhi Qar\0", 22));
  // Row-major (time, region): tick 2 holds 2, 20, 200.
  std::vector<std::int32_t> values(9);
  std::memcpy(values.data(), bytes.at("protesters").data(), 9 * sizeof(std::int32_t));
  CHECK(values == std::vector<std::int32_t>{0, 0, 0, 1, 10, 100, 2, 20, 200});
}
