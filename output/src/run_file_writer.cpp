#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "confsim/output/run_file.hpp"
#include "hdf5_util.hpp"

namespace confsim::output {
namespace {

using detail::check;
using detail::Handle;

using detail::attach_dimensions;
using detail::create_dataset;
using detail::create_dimension;
using detail::create_group;
using detail::describe;
using detail::kSeriesChunk;
using detail::kUnlimited;
using detail::write_all;
using detail::write_compressed_chunks;

hid_t file_type(sim::StorageType type) {
  switch (type) {
    case sim::StorageType::int8: return H5T_STD_I8LE;
    case sim::StorageType::int16: return H5T_STD_I16LE;
    case sim::StorageType::int32: return H5T_STD_I32LE;
    case sim::StorageType::float32: return H5T_IEEE_F32LE;
    case sim::StorageType::float64: return H5T_IEEE_F64LE;
  }
  return H5T_IEEE_F64LE;
}

std::string join_overrides(const std::vector<sim::OverrideRecord>& overrides) {
  std::string out;
  for (const auto& o : overrides) out += (out.empty() ? "" : "\n") + o.text();
  return out;
}

}  // namespace

RunFileWriter::RunFileWriter(std::string final_path)
    : temp_(std::move(final_path)) {}

RunFileWriter::~RunFileWriter() {
  close_file();
}

void RunFileWriter::close_file() {
  if (file_ >= 0) H5Fclose(file_);
  file_ = H5I_INVALID_HID;
}

void RunFileWriter::begin(const sim::RunInfo& info, const sim::OutputSchema& schema) {
  info_ = info;
  schema_ = schema;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions with our own words
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create file properties");
  check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track link order");
  check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track attribute order");
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
  // The 1.8 format stores large attributes (the scenario text) densely; netCDF-4 reads it.
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18), "set the file format version");
  file_ = H5Fcreate(temp_.path().c_str(), H5F_ACC_TRUNC, fcpl, fapl);
  if (file_ < 0) throw std::runtime_error("cannot create " + temp_.path() + " (is the directory writable?)");

  const sim::Scenario& scenario = *info.scenario;
  const sim::Clock clock(scenario.start_date());
  detail::set_text_attribute(file_, "Conventions", "CF-1.8");
  detail::set_text_attribute(file_, "title", scenario.name());
  detail::set_text_attribute(file_, "source", "confsim " + info.version);
  detail::set_text_attribute(file_, "confsim_version", info.version);
  detail::set_int_attribute(file_, "confsim_file_format", kRunFileFormat);
  detail::set_text_attribute(file_, "model", scenario.model());
  detail::set_text_attribute(file_, "preset", scenario.preset());
  detail::set_text_attribute(file_, "scenario_name", scenario.name());
  detail::set_text_attribute(file_, "scenario_file", scenario.file());
  detail::set_text_attribute(file_, "scenario_text", scenario.text());
  detail::set_text_attribute(file_, "overrides", join_overrides(scenario.overrides()));
  detail::set_uint_attribute(file_, "seed", info.seed);
  detail::set_int_attribute(file_, "seed_drawn", info.seed_drawn ? 1 : 0);
  detail::set_int_attribute(file_, "threads", info.threads);
  detail::set_text_attribute(file_, "start_date", scenario.start_date().iso());
  detail::set_int_attribute(file_, "ticks", scenario.ticks());
  detail::set_int_attribute(file_, "snapshot_every", info.snapshot_every);

  const auto ticks = static_cast<hsize_t>(scenario.ticks() + 1);
  create_dimension(file_, "time", "time", ticks, false, {});
  {
    Handle time(H5Dopen2(file_, "time", H5P_DEFAULT), H5Dclose, "open time");
    detail::set_text_attribute(time, "units", clock.time_units());
    detail::set_text_attribute(time, "calendar", "proleptic_gregorian");
    detail::set_text_attribute(time, "axis", "T");
  }
  dimension_size_["time"] = ticks;
  for (const auto& d : schema.dimensions) {
    create_dimension(file_, d.name, d.long_name, d.labels.empty() ? d.size : d.labels.size(), false, d.labels);
    dimension_size_[d.name] = d.labels.empty() ? d.size : d.labels.size();
  }
  if (info.snapshot_every > 0 && !schema.snapshots.empty()) {
    create_dimension(file_, "snapshot_time", "time of each snapshot", 0, true, {});
    Handle st(H5Dopen2(file_, "snapshot_time", H5P_DEFAULT), H5Dclose, "open snapshot_time");
    detail::set_text_attribute(st, "units", clock.time_units());
    detail::set_text_attribute(st, "calendar", "proleptic_gregorian");
    for (const auto& v : schema.snapshots) {
      std::vector<hsize_t> shape{0}, max_shape{kUnlimited}, chunk{1};
      for (const auto& d : v.dims) {
        const hsize_t n = dimension_size_.at(d);
        shape.push_back(n);
        max_shape.push_back(n);
        chunk.push_back(std::max<hsize_t>(1, std::min<hsize_t>(n, v.dims.size() == 1 ? 1 << 20 : 512)));
      }
      Handle ds = create_dataset(file_, v.name, file_type(v.type), shape, max_shape, chunk, info.compression);
      describe(ds, v.long_name, v.units);
      if (!v.flags.empty()) detail::set_flag_attributes(ds, v.type, v.flags);
      std::vector<std::string> dims{"snapshot_time"};
      dims.insert(dims.end(), v.dims.begin(), v.dims.end());
      attach_dimensions(file_, ds, dims);
    }
  }
  values_per_tick_ = 0;
  for (const auto& v : schema.series) {
    std::size_t n = 1;
    for (const auto& d : v.dims) n *= dimension_size_.at(d);
    values_per_tick_ += n;
  }
  series_.reserve(values_per_tick_ * ticks);
  write_schedule();
  write_vocabulary();
}

void RunFileWriter::record_statics(const std::vector<sim::VariableData>& data) {
  if (data.size() != schema_.statics.size()) throw std::logic_error("static variables do not match the schema");
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto& v = schema_.statics[i];
    std::vector<hsize_t> shape;
    for (const auto& d : v.dims) shape.push_back(dimension_size_.at(d));
    const bool large = detail::element_count(data[i]) > 4096;
    std::vector<hsize_t> chunk;
    if (large) chunk = {std::min<hsize_t>(shape[0], 1 << 20)};
    Handle ds = create_dataset(file_, v.name, file_type(v.type), shape, shape, chunk, large ? info_.compression : 0);
    if (large && info_.compression > 0)
      write_compressed_chunks(ds, detail::data_pointer(data[i]), H5Tget_size(detail::memory_type(v.type)), shape,
                              chunk, std::nullopt, info_.compression, v.name);
    else if (detail::element_count(data[i]) > 0)
      write_all(ds, detail::memory_type(v.type), detail::data_pointer(data[i]), v.name);
    describe(ds, v.long_name, v.units);
    attach_dimensions(file_, ds, v.dims);
  }
}

void RunFileWriter::record_tick(std::int64_t tick, const std::vector<double>& series) {
  if (series.size() != values_per_tick_) throw std::logic_error("series values do not match the schema");
  if (static_cast<std::size_t>(tick) * values_per_tick_ != series_.size())
    throw std::logic_error("ticks recorded out of order");
  series_.insert(series_.end(), series.begin(), series.end());
}

void RunFileWriter::record_events(const std::vector<sim::EventRecord>& events) {
  events_.insert(events_.end(), events.begin(), events.end());
}

namespace {
// A snapshot variable's chunk shape without its leading 1 (one snapshot per chunk).
std::vector<hsize_t> item_chunk_shape(hid_t dataset, const std::string& name) {
  Handle dcpl(H5Dget_create_plist(dataset), H5Pclose, "read the creation properties of " + name);
  std::vector<hsize_t> chunk(H5S_MAX_RANK);
  const int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, chunk.data());
  if (rank < 2) throw std::logic_error(name + " is not chunked by snapshot");
  return {chunk.begin() + 1, chunk.begin() + rank};
}
}  // namespace

void RunFileWriter::record_snapshot(std::int64_t tick, const std::vector<sim::VariableData>& data) {
  if (info_.snapshot_every <= 0 || schema_.snapshots.empty()) return;
  if (data.size() != schema_.snapshots.size()) throw std::logic_error("snapshot variables do not match the schema");
  const hsize_t index = snapshot_ticks_.size();
  snapshot_ticks_.push_back(static_cast<std::int32_t>(tick));
  const auto extend_and_write = [&](const std::string& name, hid_t mem_type, const void* values,
                                    std::vector<hsize_t> item_shape) {
    Handle ds(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
    std::vector<hsize_t> new_shape{index + 1};
    new_shape.insert(new_shape.end(), item_shape.begin(), item_shape.end());
    check(H5Dset_extent(ds, new_shape.data()), "extend " + name);
    Handle file_space(H5Dget_space(ds), H5Sclose, "read the shape of " + name);
    std::vector<hsize_t> start(new_shape.size(), 0), count = new_shape;
    start[0] = index;
    count[0] = 1;
    if (info_.compression > 0 && !item_shape.empty()) {
      write_compressed_chunks(ds, values, H5Tget_size(mem_type), item_shape, item_chunk_shape(ds, name), index,
                              info_.compression, name);
      return;
    }
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
          "select a slab of " + name);
    Handle memory_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose,
                        "create a dataspace");
    check(H5Dwrite(ds, mem_type, memory_space, file_space, H5P_DEFAULT, values), "write " + name);
  };
  extend_and_write("snapshot_time", H5T_NATIVE_INT32, &snapshot_ticks_.back(), {});
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto& v = schema_.snapshots[i];
    std::vector<hsize_t> item_shape;
    for (const auto& d : v.dims) item_shape.push_back(dimension_size_.at(d));
    extend_and_write(v.name, detail::memory_type(v.type), detail::data_pointer(data[i]), item_shape);
  }
}

void RunFileWriter::write_series() {
  const hsize_t ticks = dimension_size_.at("time");
  if (series_.size() != ticks * values_per_tick_)
    throw std::logic_error("the run recorded " + std::to_string(series_.size() / std::max<std::size_t>(1, values_per_tick_)) +
                           " ticks of " + std::to_string(ticks));
  {
    std::vector<std::int32_t> days(ticks);
    std::iota(days.begin(), days.end(), 0);
    Handle time(H5Dopen2(file_, "time", H5P_DEFAULT), H5Dclose, "open time");
    write_all(time, H5T_NATIVE_INT32, days.data(), "time");
    Handle tick = create_dataset(file_, "tick", H5T_STD_I32LE, {ticks}, {ticks}, {}, 0);
    write_all(tick, H5T_NATIVE_INT32, days.data(), "tick");
    describe(tick, "tick number (0 is the initial state)", "");
    attach_dimensions(file_, tick, {"time"});
  }
  std::size_t offset = 0;
  for (const auto& v : schema_.series) {
    std::vector<hsize_t> shape{ticks};
    std::size_t per_tick = 1;
    for (const auto& d : v.dims) {
      shape.push_back(dimension_size_.at(d));
      per_tick *= dimension_size_.at(d);
    }
    std::vector<double> values(ticks * per_tick);
    for (hsize_t t = 0; t < ticks; ++t)
      std::copy_n(series_.begin() + static_cast<std::ptrdiff_t>(t * values_per_tick_ + offset), per_tick,
                  values.begin() + static_cast<std::ptrdiff_t>(t * per_tick));
    offset += per_tick;
    Handle ds = create_dataset(file_, v.name, file_type(v.type), shape, shape, {}, 0);
    write_all(ds, H5T_NATIVE_DOUBLE, values.data(), v.name);  // HDF5 converts to the stored type
    describe(ds, v.long_name, v.units);
    if (!v.flags.empty()) detail::set_flag_attributes(ds, v.type, v.flags);
    std::vector<std::string> dims{"time"};
    dims.insert(dims.end(), v.dims.begin(), v.dims.end());
    attach_dimensions(file_, ds, dims);
  }
}

void RunFileWriter::write_events() {
  Handle group = create_group(file_, "events");
  detail::set_text_attribute(group, "description",
                             "what happened during the run: one row per (tick, kind, actor, target, region)");
  const hsize_t n = events_.size();
  create_dimension(group, "event", "event index", n, true, {});
  const sim::Clock clock(info_.scenario->start_date());
  const auto column = [&](const std::string& name, sim::StorageType type, const std::string& long_name,
                          const std::string& units, auto pick, const std::vector<std::string>& categories,
                          bool may_be_none = false) {
    std::vector<double> values(n);
    for (hsize_t i = 0; i < n; ++i) values[i] = static_cast<double>(pick(events_[i]));
    Handle ds = create_dataset(group, name, file_type(type), {n}, {kUnlimited}, {kSeriesChunk}, 0);
    if (n > 0) write_all(ds, H5T_NATIVE_DOUBLE, values.data(), name);
    describe(ds, long_name, units);
    if (!categories.empty()) {
      std::vector<std::pair<int, std::string>> flags;
      if (may_be_none) flags.emplace_back(sim::kNoActor, "none");
      for (std::size_t k = 0; k < categories.size(); ++k) flags.emplace_back(static_cast<int>(k), categories[k]);
      detail::set_flag_attributes(ds, type, flags);
    }
    attach_dimensions(group, ds, {"event"});
  };
  using sim::EventRecord;
  using sim::StorageType;
  const auto& cat = schema_.events;
  column("tick", StorageType::int32, "tick of the event", "", [](const EventRecord& e) { return e.tick; }, {});
  column("time", StorageType::int32, "date of the event", clock.time_units(),
         [](const EventRecord& e) { return e.tick; }, {});
  column("kind", StorageType::int32, "kind of event", "", [](const EventRecord& e) { return e.kind; }, cat.kinds);
  column("actor", StorageType::int32, "who acted", "", [](const EventRecord& e) { return e.actor; }, cat.actors);
  column("target", StorageType::int32, "who was acted upon", "", [](const EventRecord& e) { return e.target; },
         cat.targets);
  column("target_actor", StorageType::int32, "the actor acted upon, where the target is one of them", "",
         [](const EventRecord& e) { return e.target_actor; }, cat.actors, true);
  column("region", StorageType::int32, "where", "", [](const EventRecord& e) { return e.region; }, cat.regions);
  column("killed", StorageType::int32, "people killed", "1", [](const EventRecord& e) { return e.killed; }, {});
  column("wounded", StorageType::int32, "people wounded", "1", [](const EventRecord& e) { return e.wounded; }, {});
  column("arrested", StorageType::int32, "people arrested", "1", [](const EventRecord& e) { return e.arrested; }, {});
  column("participants", StorageType::int32, "people taking part (the crowd of a protest; 0 for other events)", "1",
         [](const EventRecord& e) { return e.participants; }, {});
}

// The events vocabulary's table of kinds, with ACLED's event types where the model maps them, and
// the crosswalk of its actors, targets and regions to the names event datasets use.
void RunFileWriter::write_vocabulary() {
  const auto& cat = schema_.events;
  if (cat.acled_event_types.empty()) return;
  Handle group = create_group(file_, "vocabulary");
  detail::set_text_attribute(group, "description",
                             "the kinds of /events: what each means, and ACLED's event type and sub-event type for "
                             "it; how ACLED and UCDP name the actors, targets and regions (docs/event-data.md)");
  const Handle text_type = detail::utf8_string_type();
  const auto text_variable = [&](const std::string& name, const std::vector<std::string>& texts,
                                 const std::string& dim) {
    const hsize_t n = texts.size();
    Handle ds = create_dataset(group, name, text_type, {n}, {n}, {}, 0);
    std::vector<const char*> pointers;
    for (const auto& t : texts) pointers.push_back(t.c_str());
    if (n > 0) write_all(ds, text_type, pointers.data(), name);
    attach_dimensions(group, ds, {dim});
  };
  const auto code_variable = [&](const std::string& name, const std::vector<std::int32_t>& codes,
                                 const std::string& dim) {
    const hsize_t n = codes.size();
    Handle ds = create_dataset(group, name, H5T_STD_I32LE, {n}, {n}, {}, 0);
    if (n > 0) write_all(ds, H5T_NATIVE_INT32, codes.data(), name);
    describe(ds, "ACLED actor type ('inter' code)", "");
    std::vector<std::pair<int, std::string>> flags;
    const auto& types = sim::acled_actor_types();
    for (std::size_t k = 0; k < types.size(); ++k) flags.emplace_back(static_cast<int>(k) + 1, types[k].word);
    detail::set_flag_attributes(ds, sim::StorageType::int32, flags);
    attach_dimensions(group, ds, {dim});
  };
  create_dimension(group, "kind", "kind of event", cat.kinds.size(), false, cat.kinds);
  text_variable("meaning", cat.kind_meanings, "kind");
  text_variable("acled_event_type", cat.acled_event_types, "kind");
  text_variable("acled_sub_event_type", cat.acled_sub_event_types, "kind");
  const auto& x = cat.event_data;
  if (x.empty()) return;
  create_dimension(group, "actor", "who acts in events", cat.actors.size(), false, cat.actors);
  text_variable("actor_acled_name", x.actor_names, "actor");
  text_variable("actor_acled_associate", x.actor_associates, "actor");
  code_variable("actor_acled_inter", x.actor_types, "actor");
  create_dimension(group, "target", "who is acted upon in events", cat.targets.size(), false, cat.targets);
  text_variable("target_acled_name", x.target_names, "target");
  code_variable("target_acled_inter", x.target_types, "target");
  create_dimension(group, "region", "where events happen", cat.regions.size(), false, cat.regions);
  text_variable("admin1", x.admin1, "region");
  detail::set_text_attribute(group, "country", x.country);
  detail::set_text_attribute(group, "iso3", x.iso3);
  detail::set_text_attribute(group, "world_region", x.world_region);
  detail::set_int_attribute(group, "iso", x.iso);
  detail::set_int_attribute(group, "gwno", x.gwno);
}

void RunFileWriter::write_schedule() {
  const sim::Scenario& scenario = *info_.scenario;
  std::vector<std::int32_t> ticks;
  std::vector<std::string> names, actions;
  for (const auto& ev : scenario.events())
    for (std::int64_t t : ev.occurrences())
      if (t <= scenario.ticks()) {
        ticks.push_back(static_cast<std::int32_t>(t));
        names.push_back(ev.name);
        switch (ev.action) {
          case sim::ScheduledEvent::Action::set: actions.push_back("set " + ev.target); break;
          case sim::ScheduledEvent::Action::ramp: actions.push_back("ramp " + ev.target); break;
          case sim::ScheduledEvent::Action::remove_share: actions.push_back("remove_share " + ev.target); break;
          case sim::ScheduledEvent::Action::record_only: actions.push_back(""); break;
        }
        if (ev.record)
          actions.back() += (actions.back().empty() ? "" : "; ") + std::string("record ") + ev.record->kind + " by " +
                            ev.record->actor;
      }
  Handle group = create_group(file_, "schedule");
  detail::set_text_attribute(group, "description", "scheduled events of the scenario, one row per occurrence");
  const hsize_t n = ticks.size();
  create_dimension(group, "scheduled_event", "scheduled event index", n, true, {});
  const sim::Clock clock(scenario.start_date());
  for (const char* name : {"tick", "time"}) {
    Handle ds = create_dataset(group, name, H5T_STD_I32LE, {n}, {kUnlimited}, {kSeriesChunk}, 0);
    if (n > 0) write_all(ds, H5T_NATIVE_INT32, ticks.data(), name);
    describe(ds, std::string(name) == "tick" ? "tick of the event" : "date of the event",
             std::string(name) == "time" ? clock.time_units() : "");
    attach_dimensions(group, ds, {"scheduled_event"});
  }
  const Handle text_type = detail::utf8_string_type();
  for (const auto& [name, texts] : {std::pair{"name", &names}, std::pair{"action", &actions}}) {
    Handle ds = create_dataset(group, name, text_type, {n}, {kUnlimited}, {kSeriesChunk}, 0);
    std::vector<const char*> pointers;
    for (const auto& t : *texts) pointers.push_back(t.c_str());
    if (n > 0) write_all(ds, text_type, pointers.data(), name);
    attach_dimensions(group, ds, {"scheduled_event"});
  }
}

void RunFileWriter::finish(const std::map<std::string, double>& phase_seconds,
                           const std::map<std::string, double>& step_seconds) {
  write_series();
  write_events();
  double total = 0;
  // Wall times are for information only; they are the one thing that differs between re-runs.
  for (const auto& [phase, seconds] : phase_seconds) {
    total += seconds;
    detail::set_double_attribute(file_, "wall_seconds_" + phase, seconds);
  }
  // Steps lie within the phases, so they are not added to the total.
  for (const auto& [step, seconds] : step_seconds)
    detail::set_double_attribute(file_, "wall_seconds_model_" + step, seconds);
  detail::set_double_attribute(file_, "wall_seconds", total);
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush " + temp_.path());
  if (H5Fclose(file_) < 0) {
    file_ = H5I_INVALID_HID;
    throw std::runtime_error("could not close " + temp_.path() + detail::system_reason());
  }
  file_ = H5I_INVALID_HID;
  temp_.publish();
}

}  // namespace confsim::output
