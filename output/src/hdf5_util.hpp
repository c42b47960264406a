#pragma once
// Small RAII and attribute helpers over the HDF5 C API, private to output/.
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstdint>
#include <stdexcept>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "confsim/sim/model.hpp"

namespace confsim::output::detail {

// What the operating system said when HDF5's last call failed in a system call (e.g. ", No space
// left on device"), read from HDF5's error stack; empty when the failure was HDF5's own.
std::string system_reason();

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, const std::string& what) : id_(id), closer_(closer) {
    if (id < 0) throw std::runtime_error("HDF5 could not " + what + system_reason());
  }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept {
    reset();
    id_ = std::exchange(o.id_, H5I_INVALID_HID);
    closer_ = o.closer_;
    return *this;
  }
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  void reset() {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5 could not " + what + system_reason());
}

hid_t memory_type(sim::StorageType type);
std::size_t element_count(const sim::VariableData& data);
const void* data_pointer(const sim::VariableData& data);

// A variable-length UTF-8 string type: netCDF-4's `string`.
Handle utf8_string_type();

void set_text_attribute(hid_t object, const std::string& name, const std::string& value);
void set_int_attribute(hid_t object, const std::string& name, std::int64_t value);
void set_uint_attribute(hid_t object, const std::string& name, std::uint64_t value);
void set_double_attribute(hid_t object, const std::string& name, double value);
// CF flag_values (in the variable's own type) and flag_meanings.
void set_flag_attributes(hid_t variable, sim::StorageType type, const std::vector<std::pair<int, std::string>>& flags);
// Reads any scalar or 1-D attribute as text; empty if it cannot be shown.
std::string attribute_as_text(hid_t object, const std::string& name);


inline constexpr hsize_t kUnlimited = H5S_UNLIMITED;
inline constexpr hsize_t kSeriesChunk = 4096;

// `.NAME.tmp-PID` beside a final path: where a file is written before it is renamed into place.
std::string temporary_name_for(const std::string& final_path);
// Puts a finished temporary file under its final name durably: its contents reach the disk, it is
// renamed (atomically, so the final name holds the old file or the new one, never a part), and
// the directory entry reaches the disk too, so a power cut cannot bring the old name back.
void publish(const std::string& temp_path, const std::string& final_path);
Handle create_group(hid_t parent, const std::string& name);
// A dataset of the given shape; chunked (and compressed if asked) when extendible or large.
Handle create_dataset(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& shape,
                      const std::vector<hsize_t>& max_shape, const std::vector<hsize_t>& chunk, int compression);
void write_all(hid_t dataset, hid_t type, const void* data, const std::string& name);
// Writes `data` (row-major, shape `item_shape`, elements already in the file's byte order) as the
// item at `leading_index` of a dataset whose first dimension counts items, or as the whole dataset
// when there is no leading index. The dataset is chunked by `chunk` (its chunk shape without the
// leading 1) and filtered by shuffle then deflate at `level`, as create_dataset makes it: those
// filters are applied here to all chunks in parallel and the chunks written in order, so the file
// holds exactly what H5Dwrite would store, made with every core instead of one.
void write_compressed_chunks(hid_t dataset, const void* data, std::size_t element_size,
                             const std::vector<hsize_t>& item_shape, const std::vector<hsize_t>& chunk,
                             std::optional<hsize_t> leading_index, int level, const std::string& name);
void describe(hid_t variable, const std::string& long_name, const std::string& units);
// A netCDF dimension: a 1-D coordinate variable of the same name (indices, or the labels given),
// made an HDF5 dimension scale.
void create_dimension(hid_t parent, const std::string& name, const std::string& long_name, hsize_t size,
                      bool unlimited, const std::vector<std::string>& labels);
void attach_dimensions(hid_t parent, hid_t variable, const std::vector<std::string>& dims);

}  // namespace confsim::output::detail
