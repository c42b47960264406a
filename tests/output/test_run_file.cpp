#include <catch2/catch.hpp>

#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include "confsim/app/commands.hpp"
#include "confsim/output/run_file.hpp"
#include "confsim/sim/rng.hpp"
#include "hdf5_util.hpp"
#include "support/run_files.hpp"

using namespace confsim;
using sim::Purpose;
using sim::RandomStream;
using sim::StreamOwner;
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

TEST_CASE("chunks compressed in parallel are stored exactly as HDF5's own filters store them", "[unit][output]") {
  using output::detail::Handle;
  const std::string path = testing::temp_path("parallel_chunks.h5");
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create");
  // Edge chunks on both axes, a 4-byte type (shuffled) and a 1-byte one, with and without a leading
  // snapshot dimension.
  struct Case {
    std::vector<hsize_t> shape, chunk;  // of one item
    bool leading;
    hid_t type;
  };
  for (const Case& k : {Case{{300, 700}, {128, 512}, true, H5T_STD_I32LE}, Case{{300, 700}, {128, 512}, true, H5T_STD_I8LE},
                        Case{{5000}, {1024}, false, H5T_IEEE_F32LE}, Case{{3000}, {1024}, true, H5T_STD_I32LE}}) {
    const std::size_t size = H5Tget_size(k.type);
    std::size_t n = 1;
    for (hsize_t d : k.shape) n *= d;
    std::vector<unsigned char> data(n * size);
    RandomStream noise(1, StreamOwner::world, n, size, Purpose::initial_placement);
    // Mostly small values, as lattice states and coordinates are: compressible, not constant.
    for (std::size_t i = 0; i < n; ++i) data[i * size] = static_cast<unsigned char>(noise() % 7);
    std::vector<hsize_t> shape = k.shape, chunk = k.chunk;
    if (k.leading) {
      shape.insert(shape.begin(), 1);
      chunk.insert(chunk.begin(), 1);
    }
    const std::string tag = std::to_string(size) + "_" + std::to_string(k.shape.size()) + (k.leading ? "l" : "");
    Handle by_hdf5 = output::detail::create_dataset(file, "by_hdf5_" + tag, k.type, shape, shape, chunk, 4);
    Handle ours = output::detail::create_dataset(file, "ours_" + tag, k.type, shape, shape, chunk, 4);
    output::detail::write_all(by_hdf5, k.type, data.data(), "by_hdf5");
    output::detail::write_compressed_chunks(ours, data.data(), size, k.shape, k.chunk,
                                            k.leading ? std::optional<hsize_t>(0) : std::nullopt, 4, "ours");
    hsize_t chunks = 0;
    Handle space(H5Dget_space(ours), H5Sclose, "space");
    REQUIRE(H5Dget_num_chunks(ours, space, &chunks) >= 0);
    REQUIRE(chunks > 1);
    for (hsize_t c = 0; c < chunks; ++c) {
      std::vector<hsize_t> offset(shape.size());
      unsigned mask = 0;
      haddr_t address = 0;
      hsize_t stored = 0, stored_by_hdf5 = 0;
      REQUIRE(H5Dget_chunk_info(ours, space, c, offset.data(), &mask, &address, &stored) >= 0);
      REQUIRE(H5Dget_chunk_storage_size(by_hdf5, offset.data(), &stored_by_hdf5) >= 0);
      std::vector<unsigned char> a(stored), b(stored_by_hdf5);
      std::uint32_t filters_a = 0, filters_b = 0;
      REQUIRE(H5Dread_chunk(ours, H5P_DEFAULT, offset.data(), &filters_a, a.data()) >= 0);
      REQUIRE(H5Dread_chunk(by_hdf5, H5P_DEFAULT, offset.data(), &filters_b, b.data()) >= 0);
      INFO(tag << " chunk " << c);
      CHECK(filters_a == filters_b);
      CHECK(a == b);
    }
    std::vector<unsigned char> back(n * size);
    REQUIRE(H5Dread(ours, k.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()) >= 0);
    CHECK(back == data);
  }
}
