#include "confsim/output/manifest.hpp"
#include "confsim/output/temporary_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <limits>
#include <numeric>

#include "confsim/output/run_file.hpp"
#include "confsim/output/targets.hpp"
#include "hdf5_util.hpp"

namespace confsim::output {
namespace {

using detail::check;
using detail::Handle;

std::string joined_overrides(const std::vector<std::string>& overrides) {
  std::string out;
  for (const auto& o : overrides) out += (out.empty() ? "" : "\n") + o;
  return out;
}

bool all_numbers(const std::vector<std::string>& texts) {
  return std::all_of(texts.begin(), texts.end(), [](const std::string& t) {
    char* end = nullptr;
    std::strtod(t.c_str(), &end);
    return !t.empty() && end == t.c_str() + t.size();
  });
}

double reduce(const std::vector<double>& v, const std::string& how) {
  if (v.empty()) return std::nan("");
  if (how == "max") return *std::max_element(v.begin(), v.end());
  if (how == "min") return *std::min_element(v.begin(), v.end());
  if (how == "final") return v.back();
  const double sum = std::accumulate(v.begin(), v.end(), 0.0);
  return how == "sum" ? sum : sum / static_cast<double>(v.size());
}

}  // namespace

std::string run_file_name(std::int64_t index) {
  char name[40];
  std::snprintf(name, sizeof name, "runs/run_%06lld.h5", static_cast<long long>(index));
  return name;
}

bool is_finished_run(const std::string& path, const sim::SweepRun& run, std::string& why_not) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    why_not = "no file";
    return false;
  }
  try {
    const auto summary = read_run_file_summary(path);
    const auto attr = [&](const char* name) {
      const auto it = summary.attributes.find(name);
      return it == summary.attributes.end() ? std::string() : it->second;
    };
    if (attr("seed") != std::to_string(run.seed)) {
      why_not = "its seed is " + attr("seed") + ", not " + std::to_string(run.seed);
      return false;
    }
    // The file records every override, the sweep's parameters first (calendar.ticks may follow).
    const std::string mine = joined_overrides(run.overrides);
    if (attr("overrides").rfind(mine, 0) != 0) {
      why_not = "it was made with other parameters";
      return false;
    }
  } catch (const std::exception& e) {
    why_not = e.what();
    return false;
  }
  return true;
}

std::vector<double> summarise_run(const std::string& path, const std::vector<sim::SweepSummary>& summaries) {
  std::vector<double> out;
  std::optional<EventTable> events;
  for (const auto& s : summaries) {
    if (!s.series.empty()) {
      out.push_back(reduce(read_series(path, s.series), s.reduce));
      continue;
    }
    if (!events) events = read_events(path);
    EventFilter filter{s.kinds, s.actors, s.targets, s.target_actors, s.regions, std::nullopt, std::nullopt};
    const auto unknown = unknown_event_names(filter, *events);
    if (!unknown.empty())
      throw sim::InputError({{s.where, s.name, "summary '" + s.name + "' names " + unknown.front()}});
    out.push_back(measure_events(filter, measure_from(s.measure), *events));
  }
  return out;
}

std::string summary_record_name(std::int64_t index) {
  char name[64];
  std::snprintf(name, sizeof name, "runs/run_%06lld.summaries", static_cast<long long>(index));
  return name;
}

namespace {
std::string exact(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%a", v);
  return text;
}
}  // namespace

void write_summary_record(const std::string& path, const sim::SweepRun& run, double wall_seconds,
                          const std::vector<std::string>& names, const std::vector<double>& values,
                          const std::string& failure) {
  std::ostringstream text;
  text << "confsim_summaries\t1\nseed\t" << run.seed << "\n";
  if (!failure.empty()) {
    std::string one_line = failure;
    for (auto& c : one_line)
      if (c == '\n' || c == '\t') c = ' ';
    text << "failed\t" << one_line << "\n";
  }
  for (const auto& o : run.overrides) text << "override\t" << o << "\n";
  text << "wall_seconds\t" << exact(wall_seconds) << "\n";
  for (std::size_t i = 0; i < names.size(); ++i) text << "summary\t" << names[i] << "\t" << exact(values[i]) << "\n";
  text << "end\n";
  TemporaryFile temporary(path);
  {
    std::ofstream out(temporary.path(), std::ios::binary);
    out << text.str();
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary.path());
  }
  temporary.publish();
}

bool read_summary_record(const std::string& path, const sim::SweepRun& run, const std::vector<std::string>& names,
                         std::vector<double>& values, double& wall_seconds) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string line;
  std::vector<std::string> overrides;
  std::map<std::string, double> found;
  bool header = false, seed = false, complete = false;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    const std::string key = line.substr(0, tab), rest = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (key == "confsim_summaries") {
      header = rest == "1";
    } else if (key == "seed") {
      seed = rest == std::to_string(run.seed);
    } else if (key == "override") {
      overrides.push_back(rest);
    } else if (key == "wall_seconds") {
      wall_seconds = std::strtod(rest.c_str(), nullptr);
    } else if (key == "summary") {
      const auto second = rest.rfind('\t');
      if (second == std::string::npos) return false;
      found[rest.substr(0, second)] = std::strtod(rest.c_str() + second + 1, nullptr);
    } else if (key == "end") {
      complete = true;
    }
  }
  if (!header || !seed || !complete || overrides != run.overrides) return false;
  values.clear();
  for (const auto& n : names) {
    const auto it = found.find(n);
    if (it == found.end()) return false;
    values.push_back(it->second);
  }
  return true;
}

double run_wall_seconds(const std::string& path) { return std::stod(read_root_attribute(path, "wall_seconds")); }

void write_manifest(const std::string& path, const sim::Sweep& sweep, const std::vector<SweepRunResult>& results,
                    const std::string& version) {
  TemporaryFile temporary(path);
  const std::string& temp = temporary.path();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  {
    Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create file properties");
    check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track link order");
    Handle file(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT), H5Fclose, "create " + temp);
    detail::set_text_attribute(file, "confsim_version", version);
    detail::set_int_attribute(file, "confsim_manifest_format", kManifestFormat);
    detail::set_text_attribute(file, "sweep_name", sweep.name);
    detail::set_text_attribute(file, "sweep_file", sweep.file);
    detail::set_text_attribute(file, "sweep_text", sweep.text);
    detail::set_text_attribute(file, "scenario_file", sweep.scenario);
    detail::set_text_attribute(file, "design", sim::to_string(sweep.design));
    detail::set_uint_attribute(file, "master_seed", sweep.master_seed);
    detail::set_int_attribute(file, "replicates", sweep.replicates);
    const auto n = static_cast<hsize_t>(results.size());
    detail::create_dimension(file, "run", "run index (runs/run_NNNNNN.h5)", n, false, {});
    const auto column = [&](const std::string& name, hid_t file_type, hid_t memory_type, const void* data,
                            const std::string& long_name, const std::string& units) {
      Handle ds = detail::create_dataset(file, name, file_type, {n}, {n}, {}, 0);
      if (n > 0) detail::write_all(ds, memory_type, data, name);
      detail::describe(ds, long_name, units);
      detail::attach_dimensions(file, ds, {"run"});
      return ds;
    };
    const auto text_column = [&](const std::string& name, const std::vector<std::string>& texts,
                                 const std::string& long_name) {
      const Handle type = detail::utf8_string_type();
      std::vector<const char*> pointers;
      for (const auto& t : texts) pointers.push_back(t.c_str());
      column(name, type, type, pointers.data(), long_name, "");
    };
    std::vector<std::int32_t> point, replicate;
    std::vector<std::int64_t> seed;
    std::vector<std::int8_t> status;
    std::vector<double> wall;
    std::vector<std::string> files;
    for (const auto& r : results) {
      point.push_back(static_cast<std::int32_t>(r.run.point));
      replicate.push_back(static_cast<std::int32_t>(r.run.replicate));
      seed.push_back(static_cast<std::int64_t>(r.run.seed));
      status.push_back(r.finished ? 1 : 0);
      wall.push_back(r.finished ? r.wall_seconds : std::nan(""));
      files.push_back(r.finished && r.file_kept ? run_file_name(r.run.index) : "");
    }
    column("point", H5T_STD_I32LE, H5T_NATIVE_INT32, point.data(), "design point", "1");
    column("replicate", H5T_STD_I32LE, H5T_NATIVE_INT32, replicate.data(), "replicate of the design point", "1");
    column("seed", H5T_STD_I64LE, H5T_NATIVE_INT64, seed.data(), "seed of the run, from (master_seed, run)", "");
    {
      Handle ds = column("status", H5T_STD_I8LE, H5T_NATIVE_INT8, status.data(), "whether the run has finished", "");
      detail::set_flag_attributes(ds, sim::StorageType::int8, {{0, "pending"}, {1, "finished"}});
    }
    column("wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, wall.data(), "wall time of the run", "s");
    text_column("file", files, "the run file, relative to the manifest");
    for (std::size_t j = 0; j < sweep.parameters.size(); ++j) {
      std::vector<std::string> texts;
      for (const auto& r : results) texts.push_back(r.run.values[j]);
      const std::string& name = sweep.parameters[j].path;
      if (all_numbers(texts)) {
        std::vector<double> values;
        for (const auto& t : texts) values.push_back(std::stod(t));
        column(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), "swept parameter " + name, "");
      } else {
        text_column(name, texts, "swept parameter " + name);
      }
    }
    for (std::size_t k = 0; k < sweep.summaries.size(); ++k) {
      std::vector<double> values;
      for (const auto& r : results) values.push_back(r.finished ? r.summaries[k] : std::nan(""));
      column(sweep.summaries[k].name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(),
             "summary " + sweep.summaries[k].name, "");
    }
    // External links to the finished runs, in a group of their own (netCDF readers skip it).
    Handle links = detail::create_group(file, "run_files");
    for (const auto& r : results)
      if (r.finished && r.file_kept) {
        const std::string target = run_file_name(r.run.index);
        const std::string link = std::filesystem::path(target).stem().string();
        check(H5Lcreate_external(target.c_str(), "/", links, link.c_str(), H5P_DEFAULT, H5P_DEFAULT),
              "link " + target);
      }
  }
  temporary.publish();
}

}  // namespace confsim::output
