#include "hdf5_util.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <numeric>
#include <sstream>

#include "confsim/sim/parallel.hpp"

namespace confsim::output::detail {

hid_t memory_type(sim::StorageType type) {
  switch (type) {
    case sim::StorageType::int8: return H5T_NATIVE_INT8;
    case sim::StorageType::int16: return H5T_NATIVE_INT16;
    case sim::StorageType::int32: return H5T_NATIVE_INT32;
    case sim::StorageType::float32: return H5T_NATIVE_FLOAT;
    case sim::StorageType::float64: return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_DOUBLE;
}

std::size_t element_count(const sim::VariableData& data) {
  return std::visit([](const auto& v) { return v.size(); }, data);
}

const void* data_pointer(const sim::VariableData& data) {
  return std::visit([](const auto& v) { return static_cast<const void*>(v.data()); }, data);
}

namespace {
void write_scalar_attribute(hid_t object, const std::string& name, hid_t type, const void* value) {
  if (H5Aexists(object, name.c_str()) > 0) check(H5Adelete(object, name.c_str()), "replace attribute " + name);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create a dataspace");
  Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  check(H5Awrite(attr, type, value), "write attribute " + name);
}
}  // namespace

Handle utf8_string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy a string type");
  check(H5Tset_size(type, H5T_VARIABLE), "size a string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set UTF-8");
  return type;
}

void set_text_attribute(hid_t object, const std::string& name, const std::string& value) {
  const Handle type = utf8_string_type();
  const char* text = value.c_str();
  write_scalar_attribute(object, name, type, &text);
}

void set_int_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_scalar_attribute(object, name, H5T_NATIVE_INT64, &value);
}

void set_uint_attribute(hid_t object, const std::string& name, std::uint64_t value) {
  write_scalar_attribute(object, name, H5T_NATIVE_UINT64, &value);
}

void set_double_attribute(hid_t object, const std::string& name, double value) {
  write_scalar_attribute(object, name, H5T_NATIVE_DOUBLE, &value);
}

void set_flag_attributes(hid_t variable, sim::StorageType type, const std::vector<std::pair<int, std::string>>& flags) {
  std::vector<double> values;
  std::string meanings;
  for (const auto& [value, meaning] : flags) {
    values.push_back(value);
    meanings += (meanings.empty() ? "" : " ") + meaning;
  }
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create a dataspace");
  // flag_values must have the variable's own type; HDF5 converts from double on write.
  Handle attr(H5Acreate2(variable, "flag_values", memory_type(type), space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute flag_values");
  check(H5Awrite(attr, H5T_NATIVE_DOUBLE, values.data()), "write flag_values");
  set_text_attribute(variable, "flag_meanings", meanings);
}

std::string attribute_as_text(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) <= 0) return "";
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  Handle type(H5Aget_type(attr), H5Tclose, "read the type of attribute " + name);
  Handle space(H5Aget_space(attr), H5Sclose, "read the shape of attribute " + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 1) return "";
  const H5T_class_t cls = H5Tget_class(type);
  if (cls == H5T_STRING) {
    if (H5Tis_variable_str(type) > 0) {
      std::vector<char*> texts(static_cast<std::size_t>(n), nullptr);
      Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "copy a string type");
      check(H5Tset_size(mem, H5T_VARIABLE), "size a string type");
      check(H5Tset_cset(mem, H5Tget_cset(type)), "set a character set");
      check(H5Aread(attr, mem, texts.data()), "read attribute " + name);
      std::string out;
      for (char* t : texts) out += (out.empty() ? "" : "\n") + std::string(t ? t : "");
      H5Dvlen_reclaim(mem, space, H5P_DEFAULT, texts.data());
      return out;
    }
    const std::size_t size = H5Tget_size(type);
    std::string out(size * static_cast<std::size_t>(n), '\0');
    check(H5Aread(attr, type, out.data()), "read attribute " + name);
    return out.substr(0, out.find('\0'));
  }
  std::ostringstream out;
  out.precision(17);
  if (cls == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type) != H5T_SGN_NONE;
    if (is_signed) {
      std::vector<std::int64_t> v(static_cast<std::size_t>(n));
      check(H5Aread(attr, H5T_NATIVE_INT64, v.data()), "read attribute " + name);
      for (std::size_t i = 0; i < v.size(); ++i) out << (i ? " " : "") << v[i];
    } else {
      std::vector<std::uint64_t> v(static_cast<std::size_t>(n));
      check(H5Aread(attr, H5T_NATIVE_UINT64, v.data()), "read attribute " + name);
      for (std::size_t i = 0; i < v.size(); ++i) out << (i ? " " : "") << v[i];
    }
    return out.str();
  }
  if (cls == H5T_FLOAT) {
    std::vector<double> v(static_cast<std::size_t>(n));
    check(H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()), "read attribute " + name);
    for (std::size_t i = 0; i < v.size(); ++i) out << (i ? " " : "") << v[i];
    return out.str();
  }
  return "";
}


std::string temporary_name_for(const std::string& final_path) {
  const std::filesystem::path p(final_path);
  const std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid());
  return (p.parent_path() / name).string();
}

namespace {
// HDF5 closes the files still open when the process exits; a file whose close already failed (a full
// disk) is still open for HDF5, and closing it again at exit crashes inside HDF5 1.10 after the
// clear error has been printed. Every file confsim writes is closed (or removed) explicitly, so
// HDF5's exit handler has nothing to do: it is switched off before HDF5 starts.
const bool kNoHdf5ExitHandler = [] { return H5dont_atexit() >= 0; }();
}  // namespace

std::string system_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* entry, void* out) -> herr_t {
        // The file drivers describe a failed system call as "..., errno = 28, error message = '...', ...".
        const std::string text = entry->desc ? entry->desc : "";
        const auto at = text.find("error message = '");
        if (at == std::string::npos) return 0;
        const auto start = at + 17, end = text.find('\'', start);
        *static_cast<std::string*>(out) = ": " + text.substr(start, end == std::string::npos ? end : end - start);
        return 1;
      },
      &reason);
  return reason;
}

namespace {
void fsync_path(const std::string& path, int flags, const std::string& what) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw std::runtime_error("cannot reopen " + what + " to flush it: " + std::strerror(errno));
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0) throw std::runtime_error("cannot flush " + what + " to disk: " + std::strerror(error));
}
}  // namespace

void publish(const std::string& temp_path, const std::string& final_path) {
  fsync_path(temp_path, O_RDONLY, temp_path);
  std::error_code error;
  std::filesystem::rename(temp_path, final_path, error);
  if (error) throw std::runtime_error("cannot rename " + temp_path + " to " + final_path + ": " + error.message());
  const std::string folder = std::filesystem::path(final_path).parent_path().string();
  fsync_path(folder.empty() ? "." : folder, O_RDONLY | O_DIRECTORY, "the folder of " + final_path);
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create group properties");
  check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track link order");
  check(H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track attribute order");
  check(H5Pset_obj_track_times(gcpl, false), "omit object times");  // same inputs, same bytes
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose, "create group " + name);
}

// A dataset of the given shape; chunked (and compressed if asked) when extendible or large.
Handle create_dataset(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& shape,
                      const std::vector<hsize_t>& max_shape, const std::vector<hsize_t>& chunk, int compression) {
  Handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), max_shape.data()), H5Sclose,
               "create the dataspace of " + name);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
  check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track attribute order");
  check(H5Pset_obj_track_times(dcpl, false), "omit object times");  // same inputs, same bytes
  if (!chunk.empty()) {
    check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunk " + name);
    if (compression > 0) {
      check(H5Pset_shuffle(dcpl), "shuffle " + name);
      check(H5Pset_deflate(dcpl, static_cast<unsigned>(compression)), "compress " + name);
    }
  }
  return Handle(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose,
                "create dataset " + name);
}

void write_all(hid_t dataset, hid_t type, const void* data, const std::string& name) {
  check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
}

void write_compressed_chunks(hid_t dataset, const void* data, std::size_t element_size,
                             const std::vector<hsize_t>& item_shape, const std::vector<hsize_t>& chunk,
                             std::optional<hsize_t> leading_index, int level, const std::string& name) {
  const std::size_t rank = item_shape.size();
  std::vector<hsize_t> grid(rank);
  std::size_t chunks = 1, chunk_elements = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    grid[d] = (item_shape[d] + chunk[d] - 1) / chunk[d];
    chunks *= grid[d];
    chunk_elements *= chunk[d];
  }
  const auto* bytes = static_cast<const unsigned char*>(data);
  // The first element of chunk k, as coordinates.
  const auto chunk_start = [&](std::size_t k) {
    std::vector<hsize_t> start(rank);
    for (std::size_t d = rank; d-- > 0;) {
      start[d] = (k % grid[d]) * chunk[d];
      k /= grid[d];
    }
    return start;
  };
  std::vector<std::vector<unsigned char>> compressed(chunks);
  sim::parallel_for(std::size_t{0}, chunks, [&](std::size_t k) {
    const std::vector<hsize_t> start = chunk_start(k);
    // The chunk as HDF5 stores it: full size, zero beyond the edge of the data.
    std::vector<unsigned char> plain(chunk_elements * element_size, 0);
    const hsize_t run = std::min(chunk[rank - 1], item_shape[rank - 1] - start[rank - 1]);
    std::vector<hsize_t> at(rank, 0);  // position inside the chunk, last dimension always 0
    for (bool more = true; more;) {
      bool inside = true;
      std::size_t source = 0, target = 0;
      for (std::size_t d = 0; d < rank; ++d) {
        inside = inside && start[d] + at[d] < item_shape[d];
        source = source * item_shape[d] + start[d] + at[d];
        target = target * chunk[d] + at[d];
      }
      if (inside) std::memcpy(&plain[target * element_size], bytes + source * element_size, run * element_size);
      more = false;
      for (std::size_t d = rank - 1; d-- > 0;)
        if (++at[d] < chunk[d]) {
          more = true;
          break;
        } else {
          at[d] = 0;
        }
    }
    // Shuffle: byte j of every element together, as H5Z's shuffle filter does (a no-op for bytes).
    std::vector<unsigned char> shuffled;
    const std::vector<unsigned char>* input = &plain;
    if (element_size > 1) {
      shuffled.resize(plain.size());
      for (std::size_t e = 0; e < chunk_elements; ++e)
        for (std::size_t j = 0; j < element_size; ++j) shuffled[j * chunk_elements + e] = plain[e * element_size + j];
      input = &shuffled;
    }
    uLongf size = compressBound(static_cast<uLong>(input->size()));
    compressed[k].resize(size);
    if (compress2(compressed[k].data(), &size, input->data(), static_cast<uLong>(input->size()), level) != Z_OK)
      throw std::runtime_error("compress a chunk of " + name + ": out of memory");
    compressed[k].resize(size);
  });
  for (std::size_t k = 0; k < chunks; ++k) {
    std::vector<hsize_t> offset;
    if (leading_index) offset.push_back(*leading_index);
    const std::vector<hsize_t> start = chunk_start(k);
    offset.insert(offset.end(), start.begin(), start.end());
    check(H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, offset.data(), compressed[k].size(), compressed[k].data()),
          "write " + name);
  }
}

void describe(hid_t variable, const std::string& long_name, const std::string& units) {
  if (!long_name.empty()) set_text_attribute(variable, "long_name", long_name);
  if (!units.empty()) set_text_attribute(variable, "units", units);
}

// A netCDF dimension: a 1-D coordinate variable of the same name, made an HDF5 dimension scale.
void create_dimension(hid_t parent, const std::string& name, const std::string& long_name, hsize_t size,
                      bool unlimited, const std::vector<std::string>& labels) {
  const std::vector<hsize_t> shape{size}, max_shape{unlimited ? kUnlimited : size};
  const std::vector<hsize_t> chunk = unlimited ? std::vector<hsize_t>{kSeriesChunk} : std::vector<hsize_t>{};
  if (!labels.empty()) {
    const Handle type = utf8_string_type();
    Handle ds = create_dataset(parent, name, type, shape, max_shape, chunk, 0);
    std::vector<const char*> texts;
    for (const auto& l : labels) texts.push_back(l.c_str());
    write_all(ds, type, texts.data(), name);
    describe(ds, long_name, "");
    check(H5DSset_scale(ds, name.c_str()), "make " + name + " a dimension scale");
    return;
  }
  Handle ds = create_dataset(parent, name, H5T_STD_I32LE, shape, max_shape, chunk, 0);
  std::vector<std::int32_t> index(size);
  std::iota(index.begin(), index.end(), 0);
  if (size > 0) write_all(ds, H5T_NATIVE_INT32, index.data(), name);
  describe(ds, long_name, "");
  check(H5DSset_scale(ds, name.c_str()), "make " + name + " a dimension scale");
}

void attach_dimensions(hid_t parent, hid_t variable, const std::vector<std::string>& dims) {
  for (std::size_t i = 0; i < dims.size(); ++i) {
    Handle scale(H5Dopen2(parent, dims[i].c_str(), H5P_DEFAULT), H5Dclose, "open dimension " + dims[i]);
    check(H5DSattach_scale(variable, scale, static_cast<unsigned>(i)), "attach dimension " + dims[i]);
  }
}

}  // namespace confsim::output::detail
