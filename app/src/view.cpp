// confsim view: a small HTTP server on 127.0.0.1 that hands the browser page (app/web, built into
// the binary) what it asks of the run files — their layout, series, one lattice snapshot at a
// time, events, provenance — read with HDF5 by slices, so a file larger than memory is never read
// whole. One request at a time: HDF5 as Debian builds it is not thread-safe, and a request takes
// milliseconds; connections wait in one poll() until their requests have come.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "confsim/app/commands.hpp"
#include "confsim/output/run_file.hpp"
#include "json_writer.hpp"
#include "viewer_assets.hpp"

extern char** environ;

namespace confsim::app {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t stop_requested = 0;
void request_stop(int) { stop_requested = 1; }

struct Response {
  int status = 200;
  std::string type = "application/json";
  std::string body;
};

Response error_response(int status, const std::string& message) {
  std::ostringstream out;
  Json json(out);
  json.open('{');
  json.field("error", message);
  json.close('}');
  return {status, "application/json", out.str()};
}

// A request's path and its query's parameters, percent-decoded.
struct Target {
  std::string path;
  std::map<std::string, std::string> query;
};

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// A variable the page charts: one value per tick, or one per tick and entry of a second dimension.
bool is_series(const output::VariableSummary& v) {
  return v.group.empty() && !v.dims.empty() && v.dims[0] == "time" && v.name != "time" && v.name != "tick" &&
         v.dims.size() <= 2;
}

Target parse_target(const std::string& raw) {
  Target target;
  const auto question = raw.find('?');
  target.path = percent_decoded(raw.substr(0, question));
  if (question == std::string::npos) return target;
  std::istringstream query(raw.substr(question + 1));
  for (std::string pair; std::getline(query, pair, '&');) {
    const auto equals = pair.find('=');
    target.query[percent_decoded(pair.substr(0, equals))] =
        equals == std::string::npos ? "" : percent_decoded(pair.substr(equals + 1));
  }
  return target;
}

// The whole number given as `key` in the query; throws std::out_of_range (a 400) naming it.
std::size_t query_number(const Target& target, const std::string& key) {
  const auto found = target.query.find(key);
  if (found == target.query.end()) throw std::out_of_range("this request needs " + key + "=N");
  try {
    std::size_t used = 0;
    const unsigned long long n = std::stoull(found->second, &used);
    if (used == found->second.size()) return static_cast<std::size_t>(n);
  } catch (const std::exception&) {
  }
  throw std::out_of_range(key + "=" + found->second + ": expected a whole number");
}

// Every `every`-th row and column of a two-dimensional slice, from the first: what a lattice of
// 1000 cells a side shows at 480 pixels anyway, in a quarter of the bytes.
output::Slice decimated(const output::Slice& slice, std::size_t every) {
  if (every <= 1 || slice.shape.size() != 2) return slice;
  const std::size_t height = slice.shape[0], width = slice.shape[1];
  const std::size_t element = slice.bytes.size() / std::max<std::size_t>(1, height * width);
  output::Slice out{slice.type, {(height + every - 1) / every, (width + every - 1) / every}, {}};
  out.bytes.reserve(out.shape[0] * out.shape[1] * element);
  for (std::size_t y = 0; y < height; y += every)
    for (std::size_t x = 0; x < width; x += every) {
      const auto* cell = slice.bytes.data() + (y * width + x) * element;
      out.bytes.insert(out.bytes.end(), cell, cell + element);
    }
  return out;
}

// A run file the viewer shows, or the reason it cannot.
struct Source {
  std::string path, label, error;
};

class Viewer {
 public:
  explicit Viewer(const std::vector<std::string>& paths) {
    for (const std::string& path : paths) {
      std::error_code ec;
      if (fs::is_directory(path, ec)) {
        if (!fs::exists(fs::path(path) / "manifest.h5", ec)) {
          problems_.push_back(path + ": a directory without manifest.h5, so not a sweep directory");
        } else if (sweep_dir_) {
          problems_.push_back(path + ": only one sweep directory at a time (" + *sweep_dir_ + " came first)");
        } else {
          sweep_dir_ = path;
          try {
            output::read_manifest_table((fs::path(path) / "manifest.h5").string());
          } catch (const std::exception& e) {
            problems_.push_back(e.what());
            sweep_error_ = e.what();
          }
        }
        continue;
      }
      add_source(path, fs::path(path).filename().string());
    }
  }

  // One line per path that cannot be shown, found so far; those found later (a sweep's run file
  // opened from the page) are printed as they are found.
  const std::vector<std::string>& problems() const { return problems_; }
  void start_serving() { serving_ = true; }
  bool anything_to_show() const {
    for (const Source& s : sources_)
      if (s.error.empty()) return true;
    return sweep_dir_ && sweep_error_.empty();
  }
  std::size_t run_count() const { return sources_.size(); }

  Response handle(const Target& target) {
    if (target.path == "/") return asset("/index.html");
    if (target.path.rfind("/api/", 0) != 0) return asset(target.path);
    try {
      if (target.path == "/api/runs") return runs();
      if (target.path == "/api/sweep") return sweep();
      if (target.path == "/api/open") return open_sweep_run(target);
      const Source& source = source_of(target);
      if (!source.error.empty()) return error_response(422, source.error);
      if (target.path == "/api/meta") return meta(source.path);
      if (target.path == "/api/series") return series(source.path);
      if (target.path == "/api/snapshot") return snapshot(source.path, target);
      if (target.path == "/api/events") return events(source.path);
      if (target.path == "/api/provenance") return provenance(source.path);
      return error_response(404, "no such request: " + target.path);
    } catch (const std::out_of_range& e) {
      return error_response(400, e.what());
    } catch (const std::exception& e) {
      return error_response(422, e.what());
    }
  }

 private:
  std::vector<Source> sources_;
  std::optional<std::string> sweep_dir_;
  std::string sweep_error_;
  std::vector<std::string> problems_;
  bool serving_ = false;

  std::size_t add_source(const std::string& path, const std::string& label) {
    for (std::size_t i = 0; i < sources_.size(); ++i)
      if (sources_[i].path == path) return i;
    Source source{path, label, ""};
    try {
      output::read_run_file_summary(path);
    } catch (const std::exception& e) {
      source.error = e.what();
      problems_.push_back(e.what());
      if (serving_) std::cerr << "confsim view: " << e.what() << std::endl;
    }
    sources_.push_back(source);
    return sources_.size() - 1;
  }

  static Response asset(const std::string& path) {
    const ViewerAsset* found = find_viewer_asset(path);
    if (found == nullptr) return {404, "text/plain; charset=utf-8", "no such page: " + path};
    return {200, found->type, std::string(reinterpret_cast<const char*>(found->data), found->size)};
  }

  const Source& source_of(const Target& target) const {
    const std::size_t index = query_number(target, "run");
    if (index >= sources_.size()) throw std::out_of_range("run=" + std::to_string(index) + ": no such run");
    return sources_[index];
  }

  Response runs() const {
    std::ostringstream out;
    Json json(out);
    json.open('{');
    json.key("runs");
    json.open('[');
    for (const Source& s : sources_) {
      json.element();
      json.open('{');
      json.field("label", s.label);
      json.field("path", s.path);
      json.field("error", s.error);
      json.close('}');
    }
    json.close(']');
    json.key("sweep");
    if (sweep_dir_) {
      json.open('{');
      json.field("path", *sweep_dir_);
      json.field("error", sweep_error_);
      json.close('}');
    } else {
      json.null();
    }
    json.close('}');
    return {200, "application/json", out.str()};
  }

  static void numbers(Json& json, const std::vector<double>& values) {
    json.open('[');
    for (double v : values) {
      json.element(",");
      json.number(v);
    }
    json.close(']');
  }
  static void texts(Json& json, const std::vector<std::string>& values) {
    json.open('[');
    for (const std::string& v : values) {
      json.element(",");
      json.string(v);
    }
    json.close(']');
  }

  static Response meta(const std::string& path) {
    const output::RunFileSummary summary = output::read_run_file_summary(path);
    std::ostringstream out;
    Json json(out);
    json.open('{');
    json.key("attributes");
    json.open('{');
    for (const char* name : {"title", "scenario_name", "scenario_file", "model", "preset", "seed", "start_date",
                             "ticks", "snapshot_every", "overrides", "confsim_version"}) {
      const auto found = summary.attributes.find(name);
      if (found == summary.attributes.end()) continue;
      json.field(name, found->second);
    }
    json.close('}');
    std::set<std::string> names;
    for (const auto& v : summary.variables)
      if (v.group.empty()) names.insert(v.name);
    json.key("time_units");
    std::string time_units;
    for (const auto& v : summary.variables)
      if (v.group.empty() && v.name == "time") time_units = v.units;
    json.string(time_units);
    json.key("series");
    json.open('[');
    for (const auto& v : summary.variables) {
      if (!is_series(v)) continue;
      json.element();
      json.open('{');
      json.field("name", v.name);
      json.field("long_name", v.long_name);
      json.field("units", v.units);
      json.key("labels");
      if (v.dims.size() == 2) {
        // The coordinate along the second dimension names its entries (regions, factions …).
        std::vector<std::string> labels;
        if (names.count(v.dims[1])) {
          try {
            labels = output::read_text_variable(path, v.dims[1]);
          } catch (const std::exception&) {
          }
        }
        labels.resize(v.shape[1]);
        for (std::size_t k = 0; k < labels.size(); ++k)
          if (labels[k].empty()) labels[k] = v.dims[1] + " " + std::to_string(k);
        texts(json, labels);
      } else {
        json.null();
      }
      json.close('}');
    }
    json.close(']');
    json.key("snapshots");
    json.open('[');
    for (const auto& v : summary.variables) {
      if (!v.group.empty() || v.dims.size() != 3 || v.dims[0] != "snapshot_time") continue;
      json.element();
      json.open('{');
      json.field("name", v.name);
      json.field("long_name", v.long_name);
      json.key("height");
      json.whole(static_cast<std::int64_t>(v.shape[1]));
      json.key("width");
      json.whole(static_cast<std::int64_t>(v.shape[2]));
      json.key("flags");
      json.open('{');
      for (const auto& [code, meaning] : output::read_flag_meanings(path, v.name)) {
        json.field(std::to_string(code), meaning);
      }
      json.close('}');
      json.close('}');
    }
    json.close(']');
    json.key("snapshot_time");
    numbers(json, names.count("snapshot_time") ? output::read_variable(path, "snapshot_time") : std::vector<double>{});
    json.key("events");
    std::int64_t events = 0;
    for (const auto& v : summary.variables)
      if (v.group == "events" && v.name == "tick" && !v.shape.empty()) events = static_cast<std::int64_t>(v.shape[0]);
    json.whole(events);
    json.close('}');
    return {200, "application/json", out.str()};
  }

  static Response series(const std::string& path) {
    const output::RunFileSummary summary = output::read_run_file_summary(path);
    std::ostringstream out;
    Json json(out);
    json.open('{');
    json.key("tick");
    numbers(json, output::read_variable(path, "tick"));
    json.key("time");
    numbers(json, output::read_variable(path, "time"));
    json.key("values");
    json.open('{');
    for (const auto& v : summary.variables) {
      if (!is_series(v)) continue;
      json.key(v.name);
      numbers(json, output::read_variable(path, v.name));
    }
    json.close('}');
    json.close('}');
    return {200, "application/json", out.str()};
  }

  static Response snapshot(const std::string& path, const Target& target) {
    const auto name = target.query.find("name");
    if (name == target.query.end()) throw std::out_of_range("a snapshot needs name=");
    const std::size_t every = target.query.count("every") ? std::max<std::size_t>(1, query_number(target, "every")) : 1;
    const output::Slice slice = decimated(output::read_slice(path, name->second, query_number(target, "index")), every);
    // The values as stored, in this (little-endian) machine's order: the page reads them with the
    // typed array the Content-Type names, in rows as long as the Content-Type's width says.
    std::string type = "application/x-confsim-" + slice.type;
    if (slice.shape.size() == 2) type += "; height=" + std::to_string(slice.shape[0]) + "; width=" + std::to_string(slice.shape[1]);
    return {200, type, std::string(reinterpret_cast<const char*>(slice.bytes.data()), slice.bytes.size())};
  }

  static Response events(const std::string& path) {
    const output::EventTable table = output::read_events(path);
    std::ostringstream out;
    Json json(out);
    json.open('{');
    json.field("start_date", table.start_date);
    // Column by column, names as indices into each column's list: a run's events may be many.
    const auto categorical = [&](const char* column, auto field) {
      std::map<std::string, std::int64_t> code_of;
      std::vector<std::string> names;
      std::vector<double> codes;
      for (const output::EventRow& row : table.rows) {
        const std::string& name = row.*field;
        const auto [at, added] = code_of.emplace(name, static_cast<std::int64_t>(names.size()));
        if (added) names.push_back(name);
        codes.push_back(static_cast<double>(at->second));
      }
      json.key(std::string(column) + "_names");
      texts(json, names);
      json.key(column);
      numbers(json, codes);
    };
    const auto counts = [&](const char* column, auto field) {
      std::vector<double> values;
      for (const output::EventRow& row : table.rows) values.push_back(static_cast<double>(row.*field));
      json.key(column);
      numbers(json, values);
    };
    counts("tick", &output::EventRow::tick);
    categorical("kind", &output::EventRow::kind);
    categorical("actor", &output::EventRow::actor);
    categorical("target", &output::EventRow::target);
    categorical("target_actor", &output::EventRow::target_actor);
    categorical("region", &output::EventRow::region);
    counts("killed", &output::EventRow::killed);
    counts("wounded", &output::EventRow::wounded);
    counts("arrested", &output::EventRow::arrested);
    counts("participants", &output::EventRow::participants);
    json.close('}');
    return {200, "application/json", out.str()};
  }

  static Response provenance(const std::string& path) {
    std::ostringstream out;
    print_explanation(*load_recorded(path), out);
    return {200, "text/plain; charset=utf-8", out.str()};
  }

  Response sweep() const {
    if (!sweep_dir_) return error_response(404, "no sweep directory was given");
    const output::ManifestTable table = output::read_manifest_table((fs::path(*sweep_dir_) / "manifest.h5").string());
    std::ostringstream out;
    Json json(out);
    json.open('{');
    json.field("path", *sweep_dir_);
    json.key("runs");
    json.whole(static_cast<std::int64_t>(table.runs));
    json.key("columns");
    json.open('[');
    for (const auto& column : table.columns) {
      json.element();
      json.open('{');
      json.field("name", column.name);
      json.key("numbers");
      if (column.numbers.empty()) json.null(); else numbers(json, column.numbers);
      json.key("texts");
      if (column.texts.empty()) json.null(); else texts(json, column.texts);
      json.close('}');
    }
    json.close(']');
    json.close('}');
    return {200, "application/json", out.str()};
  }

  // Adds a sweep's run (by its row in the manifest) to the runs shown; answers its number.
  Response open_sweep_run(const Target& target) {
    if (!sweep_dir_) return error_response(404, "no sweep directory was given");
    const std::size_t k = query_number(target, "row");
    const output::ManifestTable table = output::read_manifest_table((fs::path(*sweep_dir_) / "manifest.h5").string());
    if (k >= table.runs)
      throw std::out_of_range("row=" + std::to_string(k) + ": the sweep has " + std::to_string(table.runs) + " runs");
    std::string file;
    for (const auto& column : table.columns)
      if (column.name == "file" && k < column.texts.size()) file = column.texts[k];
    if (file.empty()) return error_response(422, "run " + std::to_string(k) + " of the sweep kept no run file");
    const std::size_t id = add_source((fs::path(*sweep_dir_) / file).string(), "sweep run " + std::to_string(k));
    if (!sources_[id].error.empty()) return error_response(422, sources_[id].error);
    return {200, "application/json", "{\"run\": " + std::to_string(id) + "}"};
  }
};

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 422: return "Unprocessable Content";
    default: return "Internal Server Error";
  }
}

void send_all(int socket, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(socket, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the browser went away: nothing to tell it
    sent += static_cast<std::size_t>(n);
  }
}

// A connection whose request has not all come: browsers open connections ahead of need and may
// send nothing on them for a while, so none is waited on alone.
struct PendingConnection {
  int socket;
  std::string request;
  std::chrono::steady_clock::time_point opened;
};

void answer(int socket, const std::string& request, Viewer& viewer) {
  std::istringstream line(request.substr(0, request.find("\r\n")));
  std::string method, raw_target;
  line >> method >> raw_target;
  Response response;
  const auto started = std::chrono::steady_clock::now();
  if (method != "GET" && method != "HEAD")
    response = {405, "text/plain; charset=utf-8", "only GET"};
  else
    response = viewer.handle(parse_target(raw_target));
  // How long the files took to read, for the browser's developer tools and the redraw benchmark.
  const double milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::ostringstream head;
  head << "HTTP/1.1 " << response.status << ' ' << reason_phrase(response.status) << "\r\n"
       << "Content-Type: " << response.type << "\r\n"
       << "Server-Timing: read;dur=" << milliseconds << "\r\n"
       << "Content-Length: " << response.body.size() << "\r\n"
       << "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
  send_all(socket, head.str() + (method == "HEAD" ? std::string() : response.body));
}

// Reads what has come on a pending connection; answers it once its request is whole. True when
// the connection is finished with (answered, closed by the browser, or idle too long).
bool serve_pending(PendingConnection& connection, bool readable, Viewer& viewer) {
  constexpr auto kIdleLimit = std::chrono::seconds(30);
  constexpr std::size_t kLargestRequest = 65536;  // a GET's line and headers
  if (!readable) return std::chrono::steady_clock::now() - connection.opened > kIdleLimit;
  char buffer[4096];
  const ssize_t n = ::recv(connection.socket, buffer, sizeof buffer, MSG_DONTWAIT);
  if (n < 0) return errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK;
  if (n == 0) return true;
  connection.request.append(buffer, static_cast<std::size_t>(n));
  if (connection.request.find("\r\n\r\n") == std::string::npos && connection.request.size() < kLargestRequest)
    return false;
  answer(connection.socket, connection.request, viewer);
  return true;
}

// The desktop's browser, if there is one: $BROWSER, else xdg-open. Never waited for.
void open_in_browser(const std::string& url) {
  const char* chosen = std::getenv("BROWSER");
  const std::string program = chosen != nullptr && *chosen != '\0' ? chosen : "xdg-open";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv{const_cast<char*>(program.c_str()), const_cast<char*>(url.c_str()), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ) != 0)
    std::cout << "confsim view: could not start a browser (" << program << "); open the address above yourself\n";
  posix_spawn_file_actions_destroy(&actions);
}

}  // namespace

int view_command(const ViewRequest& request) {
  Viewer viewer(request.paths);
  for (const std::string& problem : viewer.problems()) std::cerr << "confsim view: " << problem << "\n";
  if (!viewer.anything_to_show()) return kExitInvalidInput;
  viewer.start_serving();

  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) {
    std::cerr << "confsim view: cannot open a socket: " << std::strerror(errno) << "\n";
    return kExitFailure;
  }
  const int yes = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // this machine only: run files are the user's own
  address.sin_port = htons(static_cast<std::uint16_t>(request.port));
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 || ::listen(listener, 64) < 0) {
    std::cerr << "confsim view: cannot listen on 127.0.0.1:" << request.port << ": " << std::strerror(errno) << "\n";
    ::close(listener);
    return kExitInvalidInput;
  }
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";
  std::cout << "confsim view: serving " << viewer.run_count() << " run file(s) at " << url << " (Ctrl-C stops)"
            << std::endl;
  if (request.open_browser) open_in_browser(url);

  struct sigaction action {};
  action.sa_handler = request_stop;  // no SA_RESTART: poll() returns at once
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::vector<PendingConnection> pending;
  while (stop_requested == 0) {
    std::vector<pollfd> waiting{{listener, POLLIN, 0}};
    for (const PendingConnection& c : pending) waiting.push_back({c.socket, POLLIN, 0});
    if (::poll(waiting.data(), waiting.size(), 250) < 0) continue;
    std::vector<PendingConnection> still;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (serve_pending(pending[i], (waiting[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) != 0, viewer))
        ::close(pending[i].socket);
      else
        still.push_back(std::move(pending[i]));
    }
    pending = std::move(still);
    if ((waiting[0].revents & POLLIN) != 0) {
      const int connection = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection >= 0) pending.push_back({connection, {}, std::chrono::steady_clock::now()});
    }
  }
  for (const PendingConnection& c : pending) ::close(c.socket);
  ::close(listener);
  std::cout << "confsim view: stopped" << std::endl;
  return kExitOk;
}

}  // namespace confsim::app
