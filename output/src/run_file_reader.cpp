#include <cmath>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "confsim/output/run_file.hpp"
#include "hdf5_util.hpp"

namespace confsim::output {
namespace {

using detail::Handle;

Handle open_confsim_file(const std::string& path, const char* format_attribute, const char* kind);

Handle open_run_file(const std::string& path) {
  return open_confsim_file(path, "confsim_file_format", "a confsim run file");
}

Handle open_confsim_file(const std::string& path, const char* format_attribute, const char* kind) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::error_code error;
  if (!std::filesystem::exists(path, error)) throw std::runtime_error(path + ": no such file");
  if (std::filesystem::is_directory(path, error)) throw std::runtime_error(path + ": is a directory, not a run file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw std::runtime_error(path + ": not an HDF5 file (or truncated)");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw std::runtime_error(path + ": HDF5 cannot open it (truncated or damaged?)");
  Handle file(id, H5Fclose, "open " + path);
  if (H5Aexists(file, format_attribute) <= 0)
    throw std::runtime_error(path + ": an HDF5 file, but not " + kind + " (no " + format_attribute + " attribute)");
  return file;
}

struct Visit {
  std::string group;
  std::vector<VariableSummary>* out;
};

herr_t visit_link(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto* visit = static_cast<Visit*>(data);
  H5O_info_t info;
  if (H5Oget_info_by_name2(group, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return 0;
  if (info.type != H5O_TYPE_DATASET) return 0;
  Handle ds(H5Dopen2(group, name, H5P_DEFAULT), H5Dclose, std::string("open ") + name);
  Handle space(H5Dget_space(ds), H5Sclose, "read a shape");
  const int rank = H5Sget_simple_extent_ndims(space);
  VariableSummary v;
  v.group = visit->group;
  v.name = name;
  v.shape.resize(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, v.shape.data(), nullptr);
  for (int i = 0; i < rank; ++i) {
    std::string dim = "?";
    if (H5DSis_scale(ds) > 0) {
      dim = name;
    } else if (H5DSget_num_scales(ds, static_cast<unsigned>(i)) > 0) {
      // The first scale attached to axis i names it.
      struct First {
        std::string name;
      } first;
      H5DSiterate_scales(ds, static_cast<unsigned>(i), nullptr,
                         [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
                           char buffer[256] = {0};
                           H5DSget_scale_name(scale, buffer, sizeof buffer);
                           static_cast<First*>(out)->name = buffer;
                           return 1;
                         },
                         &first);
      dim = first.name;
    }
    v.dims.push_back(dim);
  }
  v.long_name = detail::attribute_as_text(ds, "long_name");
  v.units = detail::attribute_as_text(ds, "units");
  visit->out->push_back(std::move(v));
  return 0;
}

}  // namespace

RunFileSummary read_run_file_summary(const std::string& path) {
  Handle file = open_run_file(path);
  RunFileSummary summary;
  std::vector<std::string> names;
  hsize_t position = 0;
  H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_INC, &position,
              [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
                static_cast<std::vector<std::string>*>(out)->push_back(name);
                return 0;
              },
              &names);
  for (const auto& name : names) summary.attributes[name] = detail::attribute_as_text(file, name);
  for (const std::string group_name : {"", "events", "schedule"}) {
    if (!group_name.empty() && H5Lexists(file, group_name.c_str(), H5P_DEFAULT) <= 0) continue;
    Handle group(H5Gopen2(file, group_name.empty() ? "/" : group_name.c_str(), H5P_DEFAULT), H5Gclose,
                 "open group " + group_name);
    Visit visit{group_name, &summary.variables};
    hsize_t index = 0;
    if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index, visit_link, &visit) < 0)
      throw std::runtime_error(path + ": cannot list the contents of " + (group_name.empty() ? "/" : group_name));
  }
  return summary;
}

namespace {

std::vector<double> read_doubles(hid_t parent, const std::string& name, const std::string& path) {
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) <= 0) throw std::runtime_error(path + ": no variable " + name);
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
  Handle space(H5Dget_space(ds), H5Sclose, "read the shape of " + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<double> values(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  if (n > 0) detail::check(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read " + name);
  return values;
}

// code → name from CF flag_values / flag_meanings.
// A one-dimensional dataset of strings (variable or fixed length), as UTF-8 text.
std::vector<std::string> read_texts(hid_t parent, const std::string& name, const std::string& path) {
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) <= 0) throw std::runtime_error(path + ": no variable " + name);
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
  Handle space(H5Dget_space(ds), H5Sclose, "read the shape of " + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<std::string> out;
  if (n <= 0) return out;
  Handle stored(H5Dget_type(ds), H5Tclose, "read the type of " + name);
  if (H5Tget_class(stored) != H5T_STRING) throw std::runtime_error(path + ": " + name + " does not hold text");
  const Handle text_type = detail::utf8_string_type();
  if (H5Tis_variable_str(stored) > 0) {
    std::vector<char*> pointers(static_cast<std::size_t>(n), nullptr);
    detail::check(H5Dread(ds, text_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "read " + name);
    for (char* p : pointers) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(text_type, space, H5P_DEFAULT, pointers.data());
  } else {
    const std::size_t width = H5Tget_size(stored);
    std::vector<char> buffer(width * static_cast<std::size_t>(n));
    detail::check(H5Dread(ds, stored, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "read " + name);
    for (hssize_t i = 0; i < n; ++i) {
      const char* start = buffer.data() + static_cast<std::size_t>(i) * width;
      out.emplace_back(start, strnlen(start, width));
    }
  }
  return out;
}

std::map<long long, std::string> flag_names(hid_t parent, const std::string& name, const std::string& path,
                                           bool required = true) {
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
  if (H5Aexists(ds, "flag_values") <= 0 || H5Aexists(ds, "flag_meanings") <= 0) {
    if (!required) return {};
    throw std::runtime_error(path + ": events/" + name + " has no flag_values/flag_meanings");
  }
  Handle attr(H5Aopen(ds, "flag_values", H5P_DEFAULT), H5Aclose, "open flag_values");
  Handle space(H5Aget_space(attr), H5Sclose, "read the shape of flag_values");
  std::vector<double> codes(static_cast<std::size_t>(std::max<hssize_t>(H5Sget_simple_extent_npoints(space), 0)));
  if (!codes.empty()) detail::check(H5Aread(attr, H5T_NATIVE_DOUBLE, codes.data()), "read flag_values");
  std::istringstream meanings(detail::attribute_as_text(ds, "flag_meanings"));
  std::map<long long, std::string> out;
  for (double code : codes) {
    std::string meaning;
    if (!(meanings >> meaning)) throw std::runtime_error(path + ": events/" + name + " has fewer meanings than values");
    out[std::llround(code)] = meaning;
  }
  return out;
}

}  // namespace

EventTable read_events(const std::string& path) {
  Handle file = open_run_file(path);
  EventTable table;
  table.start_date = detail::attribute_as_text(file, "start_date").substr(0, 10);
  if (H5Lexists(file, "events", H5P_DEFAULT) <= 0) throw std::runtime_error(path + ": no /events group");
  Handle group(H5Gopen2(file, "events", H5P_DEFAULT), H5Gclose, "open /events");
  const auto tick = read_doubles(group, "tick", path);
  table.rows.resize(tick.size());
  for (std::size_t i = 0; i < tick.size(); ++i) table.rows[i].tick = std::llround(tick[i]);
  const auto text_column = [&](const char* name, std::string EventRow::*field, bool optional) {
    if (optional && H5Lexists(group, name, H5P_DEFAULT) <= 0) return;
    const auto codes = read_doubles(group, name, path);
    const auto names = flag_names(group, name, path);
    for (const auto& [code, meaning] : names) table.categories[name].push_back(meaning);
    for (std::size_t i = 0; i < table.rows.size() && i < codes.size(); ++i) {
      const auto it = names.find(std::llround(codes[i]));
      table.rows[i].*field = it == names.end() ? std::to_string(std::llround(codes[i])) : it->second;
    }
  };
  text_column("kind", &EventRow::kind, false);
  text_column("actor", &EventRow::actor, false);
  text_column("target", &EventRow::target, false);
  text_column("target_actor", &EventRow::target_actor, true);
  text_column("region", &EventRow::region, false);
  const auto count_column = [&](const char* name, std::int64_t EventRow::*field) {
    const auto values = read_doubles(group, name, path);
    for (std::size_t i = 0; i < table.rows.size() && i < values.size(); ++i) table.rows[i].*field = std::llround(values[i]);
  };
  count_column("killed", &EventRow::killed);
  count_column("wounded", &EventRow::wounded);
  count_column("arrested", &EventRow::arrested);
  if (H5Lexists(group, "participants", H5P_DEFAULT) > 0) count_column("participants", &EventRow::participants);
  return table;
}

EventVocabulary read_event_vocabulary(const std::string& path) {
  Handle file = open_run_file(path);
  const auto missing = [&](const std::string& what) {
    return std::runtime_error(path + ": " + what +
                              " — the file does not map its events to ACLED and UCDP (a model without event data, "
                              "or a file from an older confsim: `confsim rerun` writes it anew)");
  };
  if (H5Lexists(file, "vocabulary", H5P_DEFAULT) <= 0) throw missing("no /vocabulary group");
  Handle group(H5Gopen2(file, "vocabulary", H5P_DEFAULT), H5Gclose, "open /vocabulary");
  if (H5Lexists(group, "actor_acled_name", H5P_DEFAULT) <= 0) throw missing("no actor crosswalk in /vocabulary");
  EventVocabulary v;
  const auto kinds = read_texts(group, "kind", path);
  const auto types = read_texts(group, "acled_event_type", path);
  const auto subtypes = read_texts(group, "acled_sub_event_type", path);
  for (std::size_t k = 0; k < kinds.size() && k < types.size() && k < subtypes.size(); ++k)
    v.acled_types[kinds[k]] = {types[k], subtypes[k]};
  const auto named = [&](const std::string& dim, std::map<std::string, EventVocabulary::Named>& out) {
    const auto keys = read_texts(group, dim, path);
    const auto names = read_texts(group, dim + "_acled_name", path);
    const auto codes = read_doubles(group, dim + "_acled_inter", path);
    const bool associates = H5Lexists(group, (dim + "_acled_associate").c_str(), H5P_DEFAULT) > 0;
    const auto assoc = associates ? read_texts(group, dim + "_acled_associate", path) : std::vector<std::string>{};
    if (names.size() != keys.size() || codes.size() != keys.size() || (associates && assoc.size() != keys.size()))
      throw std::runtime_error(path + ": /vocabulary/" + dim + " tables differ in length");
    for (std::size_t i = 0; i < keys.size(); ++i)
      out[keys[i]] = {names[i], associates ? assoc[i] : "", static_cast<std::int32_t>(std::llround(codes[i]))};
  };
  named("actor", v.actors);
  named("target", v.targets);
  const auto regions = read_texts(group, "region", path);
  const auto admin1 = read_texts(group, "admin1", path);
  for (std::size_t i = 0; i < regions.size() && i < admin1.size(); ++i) v.admin1[regions[i]] = admin1[i];
  v.country = detail::attribute_as_text(group, "country");
  v.iso3 = detail::attribute_as_text(group, "iso3");
  v.world_region = detail::attribute_as_text(group, "world_region");
  v.iso = static_cast<std::int32_t>(std::stol(detail::attribute_as_text(group, "iso")));
  v.gwno = static_cast<std::int32_t>(std::stol(detail::attribute_as_text(group, "gwno")));
  return v;
}

std::vector<double> read_series(const std::string& path, const std::string& name) {
  Handle file = open_run_file(path);
  std::size_t ticks = 0;
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0) {
    Handle ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
    Handle space(H5Dget_space(ds), H5Sclose, "read the shape of " + name);
    hsize_t shape[H5S_MAX_RANK];
    if (H5Sget_simple_extent_dims(space, shape, nullptr) >= 1) ticks = shape[0];
  }
  if (ticks == 0) throw std::runtime_error(path + ": no series " + name);
  const auto values = read_doubles(file, name, path);
  const std::size_t per_tick = values.size() / ticks;
  std::vector<double> totals(ticks, 0.0);
  for (std::size_t t = 0; t < ticks; ++t)
    for (std::size_t k = 0; k < per_tick; ++k) totals[t] += values[t * per_tick + k];
  return totals;
}

std::string read_root_attribute(const std::string& path, const std::string& name) {
  Handle file = open_run_file(path);
  if (H5Aexists(file, name.c_str()) <= 0) throw std::runtime_error(path + ": no attribute " + name);
  return detail::attribute_as_text(file, name);
}

std::vector<double> read_variable(const std::string& path, const std::string& name) {
  Handle file = open_run_file(path);
  return read_doubles(file, name, path);
}

std::vector<std::string> read_text_variable(const std::string& path, const std::string& name) {
  Handle file = open_run_file(path);
  return read_texts(file, name, path);
}

std::map<long long, std::string> read_flag_meanings(const std::string& path, const std::string& name) {
  Handle file = open_run_file(path);
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) throw std::runtime_error(path + ": no variable " + name);
  return flag_names(file, name, path, false);
}

Slice read_slice(const std::string& path, const std::string& name, unsigned long long index) {
  Handle file = open_run_file(path);
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) throw std::runtime_error(path + ": no variable " + name);
  Handle ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
  Handle space(H5Dget_space(ds), H5Sclose, "read the shape of " + name);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 1) throw std::runtime_error(path + ": " + name + " has no first dimension to take a slice along");
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank)), start(shape.size(), 0), count;
  H5Sget_simple_extent_dims(space, shape.data(), nullptr);
  if (index >= shape[0])
    throw std::runtime_error(path + ": " + name + " has " + std::to_string(shape[0]) + " entries, not " +
                             std::to_string(index + 1));
  count = shape;
  start[0] = index;
  count[0] = 1;
  detail::check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                "select a slice of " + name);
  hsize_t n = 1;
  for (std::size_t i = 1; i < count.size(); ++i) n *= count[i];
  // The stored type as this machine holds it; anything else (compound, text) as float64.
  Handle stored(H5Dget_type(ds), H5Tclose, "read the type of " + name);
  const H5T_class_t kind = H5Tget_class(stored);
  const std::size_t size = H5Tget_size(stored);
  Slice slice;
  hid_t memory_type = H5T_NATIVE_DOUBLE;
  if (kind == H5T_INTEGER && (size == 1 || size == 2 || size == 4)) {
    const bool is_signed = H5Tget_sign(stored) == H5T_SGN_2;
    if (size == 1) memory_type = is_signed ? H5T_NATIVE_INT8 : H5T_NATIVE_UINT8;
    if (size == 2) memory_type = is_signed ? H5T_NATIVE_INT16 : H5T_NATIVE_UINT16;
    if (size == 4) memory_type = is_signed ? H5T_NATIVE_INT32 : H5T_NATIVE_UINT32;
    slice.type = std::string(is_signed ? "int" : "uint") + std::to_string(8 * size);
  } else if (kind == H5T_FLOAT && size == 4) {
    memory_type = H5T_NATIVE_FLOAT;
    slice.type = "float32";
  } else {
    slice.type = "float64";
  }
  slice.shape.assign(shape.begin() + 1, shape.end());
  slice.bytes.resize(static_cast<std::size_t>(n) * H5Tget_size(memory_type));
  // Memory shaped as the selection: with a flat one HDF5 maps the chunks element by element (ten
  // times slower for a 1000 × 1000 snapshot).
  Handle memory(H5Screate_simple(rank, count.data(), nullptr), H5Sclose, "describe a slice");
  detail::check(H5Dread(ds, memory_type, memory, space, H5P_DEFAULT, slice.bytes.data()), "read a slice of " + name);
  return slice;
}

namespace {
herr_t add_dataset_name(hid_t group, const char* name, const H5L_info_t*, void* names) {
  H5O_info_t info;
  if (H5Oget_info_by_name2(group, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 && info.type == H5O_TYPE_DATASET)
    static_cast<std::vector<std::string>*>(names)->push_back(name);
  return 0;
}
}  // namespace

ManifestTable read_manifest_table(const std::string& path) {
  Handle file = open_confsim_file(path, "confsim_manifest_format", "a confsim sweep manifest");
  ManifestTable table;
  std::vector<std::string> names;
  hsize_t index = 0;
  H5Literate(file, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index,
             add_dataset_name,
             &names);
  if (names.empty()) {  // files written without creation order tracked list by name
    index = 0;
    H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, &index,
               add_dataset_name,
               &names);
  }
  const auto runs = read_doubles(file, "run", path).size();
  table.runs = runs;
  for (const std::string& name : names) {
    Handle ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
    Handle space(H5Dget_space(ds), H5Sclose, "read the shape of " + name);
    if (H5Sget_simple_extent_ndims(space) != 1 || static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)) != runs)
      continue;
    Handle type(H5Dget_type(ds), H5Tclose, "read the type of " + name);
    ManifestTable::Column column;
    column.name = name;
    if (H5Tget_class(type) == H5T_STRING) {
      column.texts = read_texts(file, name, path);
    } else {
      column.numbers = read_doubles(file, name, path);
      const auto meanings = flag_names(file, name, path, false);
      if (!meanings.empty())
        for (double code : column.numbers) {
          const auto found = meanings.find(std::llround(code));
          column.texts.push_back(found == meanings.end() ? "?" : found->second);
        }
    }
    table.columns.push_back(std::move(column));
  }
  return table;
}

}  // namespace confsim::output
