// `confsim export` and `confsim compare`: runs as ACLED or UCDP GED rows, and scored against an
// observed file of either.
#include <fstream>
#include <iostream>
#include <sstream>

#include "confsim/app/commands.hpp"
#include "confsim/output/event_data.hpp"
#include "confsim/output/temporary_file.hpp"

namespace confsim::app {
namespace {

std::vector<output::RunEvents> read_runs(const std::vector<std::string>& run_files) {
  std::vector<output::RunEvents> runs;
  for (const auto& f : run_files) runs.push_back(output::read_run_events(f));
  return runs;
}

}  // namespace

void export_events(const std::vector<std::string>& run_files, const std::string& format,
                   const std::string& output_path) {
  const auto runs = read_runs(run_files);
  const auto which = format == "ucdp" ? output::EventFormat::ucdp : output::EventFormat::acled;
  if (output_path.empty() || output_path == "-") {
    output::write_event_csv(runs, which, std::cout);
    return;
  }
  output::TemporaryFile file(output_path);
  {
    std::ofstream out(file.path(), std::ios::binary);
    if (!out) throw std::ios_base::failure("cannot write " + file.path());
    output::write_event_csv(runs, which, out);
    out.flush();
    if (!out) throw std::ios_base::failure("could not write all of " + output_path + " (disk full?)");
  }
  file.publish();
}

void compare_with_observed(const std::vector<std::string>& run_files, const std::string& observed_path,
                           const CompareOptions& options, std::ostream& out) {
  const auto observed = output::read_observed_events(observed_path);  // bad input first: it is cheapest
  const auto runs = read_runs(run_files);
  output::ComparisonRequest request;
  if (!options.by.empty()) request.by = options.by;
  request.fatalities = options.fatalities;
  const auto date = [](const std::string& text, const char* option) -> std::optional<sim::Date> {
    if (text.empty()) return std::nullopt;
    const auto d = sim::Date::parse_iso(text);
    if (!d) throw std::invalid_argument(std::string(option) + " expects a date YYYY-MM-DD, not '" + text + "'");
    return d;
  };
  request.from = date(options.from, "--from");
  request.to = date(options.to, "--to");
  const auto comparison = output::compare_events(runs, observed, request);
  if (!options.tsv)
    out << observed_path << " (" << (observed.format == output::EventFormat::acled ? "ACLED" : "UCDP GED") << ", "
        << observed.events.size() << " events)\n";
  output::print_comparison(comparison, options.fatalities, options.tsv, out);
}

}  // namespace confsim::app
