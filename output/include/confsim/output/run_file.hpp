#pragma once
// The run file: HDF5 laid out as netCDF-4 (named dimension scales, CF attributes), so xarray,
// netCDF-C, R and ParaView read it without confsim. Written under a temporary name and renamed
// only when complete: a failed or interrupted run never leaves a file under the requested name.
#include <hdf5.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "confsim/output/temporary_file.hpp"
#include "confsim/sim/model.hpp"

namespace confsim::output {

// The format of the run file; bumped when its layout changes incompatibly.
inline constexpr int kRunFileFormat = 1;

class RunFileWriter final : public sim::Recorder {
 public:
  explicit RunFileWriter(std::string final_path);
  ~RunFileWriter() override;  // the temporary file is removed unless finish() succeeded
  RunFileWriter(const RunFileWriter&) = delete;
  RunFileWriter& operator=(const RunFileWriter&) = delete;

  const std::string& temporary_path() const { return temp_.path(); }

  void begin(const sim::RunInfo& info, const sim::OutputSchema& schema) override;
  void record_statics(const std::vector<sim::VariableData>& data) override;
  void record_tick(std::int64_t tick, const std::vector<double>& series) override;
  void record_events(const std::vector<sim::EventRecord>& events) override;
  void record_snapshot(std::int64_t tick, const std::vector<sim::VariableData>& data) override;
  void finish(const std::map<std::string, double>& phase_seconds,
              const std::map<std::string, double>& step_seconds) override;

 private:
  TemporaryFile temp_;  // declared first: the file is closed before its temporary name is removed
  hid_t file_ = H5I_INVALID_HID;
  sim::RunInfo info_;
  sim::OutputSchema schema_;
  std::map<std::string, std::size_t> dimension_size_;
  std::size_t values_per_tick_ = 0;
  std::vector<double> series_;  // ticks × values_per_tick_, written at the end
  std::vector<sim::EventRecord> events_;
  std::vector<std::int32_t> snapshot_ticks_;

  void write_schedule();
  void write_vocabulary();
  void write_events();
  void write_series();
  void close_file();
};

// What `confsim info` shows, read with HDF5 alone.
struct VariableSummary {
  std::string group;  // "" for the root
  std::string name;
  std::vector<std::string> dims;
  std::vector<unsigned long long> shape;  // hsize_t
  std::string long_name;
  std::string units;
};

struct RunFileSummary {
  std::map<std::string, std::string> attributes;  // root attributes, as text
  std::vector<VariableSummary> variables;
};

// Throws std::runtime_error with a one-line reason for a missing, foreign or damaged file.
RunFileSummary read_run_file_summary(const std::string& path);
// A root attribute as text (e.g. "scenario_text", "seed"); throws if absent.
std::string read_root_attribute(const std::string& path, const std::string& name);

// The /events table with its categorical codes decoded to names.
struct EventRow {
  std::int64_t tick = 0;
  std::string kind, actor, target, target_actor, region;
  std::int64_t killed = 0, wounded = 0, arrested = 0, participants = 0;
};
struct EventTable {
  std::string start_date;  // YYYY-MM-DD of tick 0
  std::vector<EventRow> rows;
  std::map<std::string, std::vector<std::string>> categories;  // column → every name it may hold
};
EventTable read_events(const std::string& path);

// The /vocabulary group: each kind's ACLED event and sub-event type, and how event datasets name
// the actors, targets and regions of /events (sim::EventDataCrosswalk, as written).
struct EventVocabulary {
  struct Named {
    std::string name;       // as ACLED names it
    std::string associate;  // ACLED's assoc_actor, or ""
    std::int32_t type = 0;  // ACLED inter code 1-8
  };
  std::map<std::string, std::pair<std::string, std::string>> acled_types;  // kind → (event type, sub-event type)
  std::map<std::string, Named> actors, targets;                           // by the events' names
  std::map<std::string, std::string> admin1;                              // region → admin1 ("" for the country)
  std::string country, iso3, world_region;
  std::int32_t iso = -1, gwno = -1;
};
// Throws std::runtime_error when the file has no crosswalk (a model without event data, or a file
// written before confsim mapped actors and regions).
EventVocabulary read_event_vocabulary(const std::string& path);
// A series, one value per tick: summed over its other dimensions (all regions, all factions …)
// when it has any. Throws if absent.
std::vector<double> read_series(const std::string& path, const std::string& name);

// Any variable of a run file, for tools that show what a file holds (confsim view). Each throws
// std::runtime_error with a one-line reason naming the file.
std::vector<double> read_variable(const std::string& path, const std::string& name);
std::vector<std::string> read_text_variable(const std::string& path, const std::string& name);
// A categorical variable's names by code (CF flag_values / flag_meanings); empty when it has none.
std::map<long long, std::string> read_flag_meanings(const std::string& path, const std::string& name);
// Entry `index` along the first dimension of a variable (one snapshot of a lattice), read alone
// (a hyperslab), so a file larger than memory is never read whole. The values stay in the type
// they are stored in (HDF5's conversions cost more than the read): `type` names it as a browser's
// typed arrays do ("int8", "uint8", "int16", "uint16", "int32", "uint32", "float32", "float64"),
// `bytes` holds them in this machine's order.
struct Slice {
  std::string type;
  std::vector<unsigned long long> shape;  // the variable's dimensions after the first
  std::vector<unsigned char> bytes;
};
Slice read_slice(const std::string& path, const std::string& name, unsigned long long index);

// A sweep's manifest.h5 as a table: one column per variable along its `run` dimension, numbers
// or text (a categorical column has both: its codes and their names).
struct ManifestTable {
  struct Column {
    std::string name;
    std::vector<double> numbers;
    std::vector<std::string> texts;
  };
  std::size_t runs = 0;
  std::vector<Column> columns;
};
ManifestTable read_manifest_table(const std::string& path);

}  // namespace confsim::output
