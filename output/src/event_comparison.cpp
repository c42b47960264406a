// Observed ACLED and UCDP GED files, and runs scored against them cell by cell (month × admin1 ×
// event type): coverage of the runs' 90% interval, CRPS, and rank correlation across admin1.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <numeric>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "confsim/output/event_data.hpp"
#include "confsim/sim/statistics.hpp"
#include "confsim/sim/diagnostics.hpp"

namespace confsim::output {
namespace {

struct Field {
  std::string text;
  int line = 0, column = 0;  // where the field starts in the file, 1-based
};
using Record = std::vector<Field>;

[[noreturn]] void refuse(const std::string& file, int line, int column, const std::string& key,
                         const std::string& message) {
  throw sim::InputError({{{file, line, column, ""}, key, message}});
}

// The length of the UTF-8 sequence starting at text[i], or 0 when it is not one.
std::size_t utf8_length(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) >> 6) != 0x2) return 0;
  return n;
}

// RFC 4180: fields separated by commas, quoted with ", a quote inside doubled; records end at CRLF
// or LF outside quotes. Refuses bytes that are not UTF-8 (a file saved in another encoding).
std::vector<Record> parse_csv(const std::string& text, const std::string& file) {
  std::vector<Record> records;
  std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // a byte-order mark is not data
  int line = 1, column = 1;
  Record record;
  Field field{"", line, column};
  bool quoted = false, was_quoted = false;
  const auto end_field = [&] {
    record.push_back(field);
    field = {"", line, column};
    was_quoted = false;
  };
  while (i < text.size()) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0)
      refuse(
          file, line, column, "encoding", "byte 0x" + [&] {
            std::ostringstream hex;
            hex << std::hex << std::setw(2) << std::setfill('0') << int(static_cast<unsigned char>(text[i]));
            return hex.str();
          }() + " is not UTF-8: save the file as UTF-8 (ACLED and UCDP downloads are)");
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.text += '"';
        i += 2;
        column += 2;
        continue;
      }
      if (c == '"') {
        quoted = false;
        ++i;
        ++column;
        continue;
      }
      field.text.append(text, i, n);
      i += n;
      if (c == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
      continue;
    }
    if (c == '"' && field.text.empty() && !was_quoted) {
      quoted = was_quoted = true;
      ++i;
      ++column;
    } else if (c == ',') {
      ++i;
      ++column;
      end_field();
    } else if (c == '\n' || c == '\r') {
      i += c == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
      end_field();
      if (!(record.size() == 1 && record[0].text.empty())) records.push_back(std::move(record));
      record.clear();
      ++line;
      column = 1;
      field = {"", line, column};
    } else {
      field.text.append(text, i, n);
      i += n;
      ++column;
    }
  }
  if (quoted) refuse(file, field.line, field.column, "quoting", "a quoted field is never closed");
  if (!field.text.empty() || !record.empty()) {
    end_field();
    records.push_back(std::move(record));
  }
  return records;
}

// ACLED writes dates as 2019-10-01 (API and recent exports) or as 01 October 2019 (older exports);
// UCDP as 2019-10-01 or 2019-10-01 00:00:00.000.
std::optional<sim::Date> parse_event_date(const std::string& text) {
  if (text.size() >= 10)
    if (auto d = sim::Date::parse_iso(std::string_view(text).substr(0, 10));
        d && (text.size() == 10 || text[10] == ' ' || text[10] == 'T'))
      return d;
  static const char* months[] = {"january", "february", "march",     "april",   "may",      "june",
                                 "july",    "august",   "september", "october", "november", "december"};
  std::istringstream in(text);
  int day = 0, year = 0;
  std::string month;
  if (!(in >> day >> month >> year) || !(in >> std::ws).eof()) return std::nullopt;
  std::transform(month.begin(), month.end(), month.begin(), [](unsigned char c) { return std::tolower(c); });
  for (unsigned m = 0; m < 12; ++m)
    if (month == months[m]) {
      auto d = sim::Date::parse_iso(std::to_string(year) + "-" + (m < 9 ? "0" : "") + std::to_string(m + 1) + "-" +
                                    (day < 10 ? "0" : "") + std::to_string(day));
      return d;
    }
  return std::nullopt;
}

std::optional<std::int64_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(text);
}

const std::vector<std::string>& acled_event_types() {
  static const std::vector<std::string> types = {
      "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
      "Riots",   "Strategic developments"};
  return types;
}

struct Columns {
  std::map<std::string, std::size_t> index;
  std::size_t at(const std::string& name) const { return index.at(name); }
};

}  // namespace

ObservedEvents read_observed_events(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) refuse(path, 0, 0, "", "cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const auto records = parse_csv(buffer.str(), path);
  if (records.empty())
    refuse(path, 1, 1, "", "the file is empty: expected a header row of ACLED's or UCDP GED's columns");
  Columns columns;
  for (std::size_t i = 0; i < records[0].size(); ++i) columns.index.emplace(records[0][i].text, i);
  ObservedEvents observed;
  const bool acled = columns.index.count("event_type") || columns.index.count("event_date");
  const bool ged = !acled && (columns.index.count("type_of_violence") || columns.index.count("date_start"));
  if (!acled && !ged)
    refuse(path, 1, 1, "header",
           "expected ACLED's columns (event_date, event_type, admin1, fatalities) or UCDP GED's (date_start, "
           "type_of_violence, adm_1, best)");
  observed.format = acled ? EventFormat::acled : EventFormat::ucdp;
  const std::vector<std::string> needed =
      acled ? std::vector<std::string>{"event_date", "event_type", "admin1", "fatalities"}
            : std::vector<std::string>{"date_start", "type_of_violence", "adm_1", "best"};
  std::string missing;
  for (const auto& name : needed)
    if (!columns.index.count(name)) missing += (missing.empty() ? "" : ", ") + name;
  if (!missing.empty())
    refuse(path, 1, 1, "header",
           std::string("the ") + (acled ? "ACLED" : "UCDP GED") + " columns " + missing + " are missing");
  const std::size_t date_col = columns.at(needed[0]), type_col = columns.at(needed[1]),
                    admin1_col = columns.at(needed[2]), deaths_col = columns.at(needed[3]);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.size() != records[0].size())
      refuse(path, rec.front().line, rec.front().column, "row " + std::to_string(r),
             "has " + std::to_string(rec.size()) + " fields, the header " + std::to_string(records[0].size()));
    const auto bad = [&](std::size_t col, const std::string& expected) {
      refuse(path, rec[col].line, rec[col].column, records[0][col].text,
             "row " + std::to_string(r) + ": '" + rec[col].text + "' is not " + expected);
    };
    ObservedEvent e;
    const auto date = parse_event_date(rec[date_col].text);
    if (!date) bad(date_col, "a date (expected YYYY-MM-DD, or e.g. 12 October 2019)");
    e.date = *date;
    if (acled) {
      e.event_type = rec[type_col].text;
      const auto& types = acled_event_types();
      if (std::find(types.begin(), types.end(), e.event_type) == types.end()) {
        const std::string guess = sim::closest_match(e.event_type, types);
        bad(type_col, "one of ACLED's six event types" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
      }
    } else {
      const auto type = parse_count(rec[type_col].text);
      if (!type || *type < 1 || *type > 3) bad(type_col, "a UCDP type of violence (1, 2 or 3)");
      e.event_type = ucdp_violence_word(static_cast<int>(*type));
    }
    e.admin1 = rec[admin1_col].text;
    // GED writes adm_1 with the word "governorate", "province" … after the name; ACLED does not.
    if (!acled)
      for (const char* suffix : {" governorate", " province", " state", " region", " district"})
        if (e.admin1.size() > std::string(suffix).size() &&
            e.admin1.compare(e.admin1.size() - std::string(suffix).size(), std::string::npos, suffix) == 0)
          e.admin1.erase(e.admin1.size() - std::string(suffix).size());
    const auto deaths = parse_count(rec[deaths_col].text);
    if (!deaths) bad(deaths_col, "a count of deaths (a whole number, 0 or more)");
    e.fatalities = *deaths;
    observed.events.push_back(std::move(e));
  }
  return observed;
}

namespace {

std::string month_of(sim::Date d) {
  const std::string iso = d.iso();
  return iso.substr(0, 7);
}

// Average ranks (ties share theirs), then Pearson's correlation of the ranks.
double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const auto ranks = [](const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return v[i] < v[j]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < order.size();) {
      std::size_t j = i;
      while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
      for (std::size_t k = i; k <= j; ++k) r[order[k]] = (static_cast<double>(i + j) / 2.0) + 1;
      i = j + 1;
    }
    return r;
  };
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n, mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : std::nan("");
}

// CRPS of the ensemble's empirical distribution at the observation: E|X − y| − ½ E|X − X'|.
double ensemble_crps(const std::vector<double>& xs, double y) {
  double spread = 0, error = 0;
  for (double x : xs) {
    error += std::abs(x - y);
    for (double z : xs) spread += std::abs(x - z);
  }
  const double n = static_cast<double>(xs.size());
  return error / n - spread / (2 * n * n);
}

}  // namespace

Comparison compare_events(const std::vector<RunEvents>& runs, const ObservedEvents& observed,
                          const ComparisonRequest& request) {
  if (runs.empty()) throw std::invalid_argument("no runs to compare");
  Comparison c;
  for (const auto& b : request.by) {
    if (b != "month" && b != "admin1" && b != "event_type")
      throw std::invalid_argument("--by takes month, admin1 and event_type, not '" + b + "'");
    if (std::find(c.by.begin(), c.by.end(), b) == c.by.end()) c.by.push_back(b);
  }
  // The period: the runs' days, cut to the observed file's dates unless given.
  sim::Date run_from = runs.front().start, run_to = sim::Clock(runs.front().start).date_of(runs.front().ticks);
  for (const auto& r : runs) {
    run_from = std::max(run_from, r.start);
    run_to = std::min(run_to, sim::Clock(r.start).date_of(r.ticks));
  }
  c.from = request.from.value_or(run_from);
  c.to = request.to.value_or(run_to);
  if (!request.from && !observed.events.empty()) {
    sim::Date first = observed.events.front().date;
    for (const auto& e : observed.events) first = std::min(first, e.date);
    c.from = std::max(c.from, first);
  }
  if (!request.to && !observed.events.empty()) {
    sim::Date last = observed.events.front().date;
    for (const auto& e : observed.events) last = std::max(last, e.date);
    c.to = std::min(c.to, last);
  }
  c.from = std::max(c.from, run_from);
  c.to = std::min(c.to, run_to);
  if (c.to < c.from)
    throw std::invalid_argument("the observed events and the runs share no day (runs " + run_from.iso() + " to " +
                                run_to.iso() + ")");

  std::set<std::string> known_admin1;
  const bool acled = observed.format == EventFormat::acled;
  std::vector<std::vector<ObservedEvent>> simulated(runs.size());
  for (std::size_t k = 0; k < runs.size(); ++k) {
    if (acled)
      for (const auto& e : runs[k].acled) simulated[k].push_back({e.date, e.event_type, e.admin1, e.fatalities});
    else
      for (const auto& e : runs[k].ucdp)
        simulated[k].push_back({e.date, ucdp_violence_word(e.type_of_violence), e.admin1, e.best()});
  }
  for (const auto& r : runs) known_admin1.insert(r.admin1.begin(), r.admin1.end());

  const auto key_of = [&](const ObservedEvent& e) {
    std::vector<std::string> key;
    for (const auto& b : c.by) key.push_back(b == "month" ? month_of(e.date) : b == "admin1" ? e.admin1 : e.event_type);
    return key;
  };
  const auto value_of = [&](const ObservedEvent& e) {
    return request.fatalities ? static_cast<double>(e.fatalities) : 1.0;
  };
  std::map<std::vector<std::string>, std::size_t> cell_of;
  const auto cell = [&](const std::vector<std::string>& key) -> ComparisonCell& {
    auto [it, fresh] = cell_of.try_emplace(key, c.cells.size());
    if (fresh) c.cells.push_back({key, 0, std::vector<double>(runs.size(), 0.0)});
    return c.cells[it->second];
  };
  std::set<std::string> unmatched;
  for (const auto& e : observed.events) {
    if (e.date < c.from || c.to < e.date) {
      ++c.observed_outside;
      continue;
    }
    if (!known_admin1.count(e.admin1)) {
      unmatched.insert(e.admin1);
      ++c.unmatched_events;
      continue;
    }
    cell(key_of(e)).observed += value_of(e);
  }
  c.unmatched_admin1.assign(unmatched.begin(), unmatched.end());
  for (std::size_t k = 0; k < runs.size(); ++k)
    for (const auto& e : simulated[k])
      if (!(e.date < c.from || c.to < e.date)) cell(key_of(e)).simulated[k] += value_of(e);
  // Months with nothing observed or simulated are cells too, when the comparison is by month alone.
  if (c.by == std::vector<std::string>{"month"})
    for (sim::Date d = c.from; !(c.to < d); d = sim::Date::from_days_since_epoch(d.days_since_epoch() + 1))
      cell({month_of(d)});
  std::sort(c.cells.begin(), c.cells.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  std::size_t inside = 0;
  double crps = 0;
  for (auto& cl : c.cells) {
    cl.mean = std::accumulate(cl.simulated.begin(), cl.simulated.end(), 0.0) / static_cast<double>(runs.size());
    cl.p05 = sim::quantile(cl.simulated, 0.05);
    cl.p95 = sim::quantile(cl.simulated, 0.95);
    cl.inside = cl.p05 <= cl.observed && cl.observed <= cl.p95;
    cl.crps = ensemble_crps(cl.simulated, cl.observed);
    inside += cl.inside ? 1 : 0;
    crps += cl.crps;
  }
  if (!c.cells.empty()) {
    c.coverage = static_cast<double>(inside) / static_cast<double>(c.cells.size());
    c.mean_crps = crps / static_cast<double>(c.cells.size());
  }
  // Where it happens: totals over the period by admin1 (the whole country's rows left out).
  std::map<std::string, std::pair<double, double>> by_admin1;
  for (const auto& a : known_admin1)
    if (!a.empty()) by_admin1[a] = {0, 0};
  for (const auto& e : observed.events)
    if (!(e.date < c.from || c.to < e.date) && by_admin1.count(e.admin1)) by_admin1[e.admin1].first += value_of(e);
  for (std::size_t k = 0; k < runs.size(); ++k)
    for (const auto& e : simulated[k])
      if (!(e.date < c.from || c.to < e.date) && by_admin1.count(e.admin1))
        by_admin1[e.admin1].second += value_of(e) / static_cast<double>(runs.size());
  c.admin1_compared = by_admin1.size();
  if (by_admin1.size() >= 3) {
    std::vector<double> o, s;
    for (const auto& [name, totals] : by_admin1) {
      o.push_back(totals.first);
      s.push_back(totals.second);
    }
    const double rho = spearman(o, s);
    if (!std::isnan(rho)) c.admin1_rank_correlation = rho;
  }
  return c;
}

void print_comparison(const Comparison& c, bool fatalities, bool tsv, std::ostream& out) {
  const std::string what = fatalities ? "fatalities" : "events";
  if (tsv) {
    for (const auto& b : c.by) out << b << '\t';
    out << "observed\tmean\tp05\tp95\tin_90\tcrps\n";
    for (const auto& cl : c.cells) {
      for (const auto& k : cl.key) out << k << '\t';
      out << cl.observed << '\t' << cl.mean << '\t' << cl.p05 << '\t' << cl.p95 << '\t' << (cl.inside ? 1 : 0) << '\t'
          << cl.crps << '\n';
    }
    return;
  }
  std::vector<std::size_t> width(c.by.size(), 0);
  for (std::size_t i = 0; i < c.by.size(); ++i) {
    width[i] = c.by[i].size();
    for (const auto& cl : c.cells) width[i] = std::max(width[i], cl.key[i].empty() ? 9 : cl.key[i].size());
  }
  out << what << " " << c.from.iso() << " to " << c.to.iso() << ", observed against "
      << c.cells.front().simulated.size() << " runs\n";
  for (std::size_t i = 0; i < c.by.size(); ++i)
    out << std::left << std::setw(static_cast<int>(width[i]) + 2) << c.by[i];
  out << std::right << std::setw(10) << "observed" << std::setw(10) << "mean" << std::setw(10) << "p05" << std::setw(10)
      << "p95" << std::setw(8) << "in 90%" << std::setw(10) << "CRPS"
      << "\n";
  out << std::fixed;
  for (const auto& cl : c.cells) {
    for (std::size_t i = 0; i < c.by.size(); ++i)
      out << std::left << std::setw(static_cast<int>(width[i]) + 2)
          << (cl.key[i].empty() && c.by[i] == "admin1" ? "(country)" : cl.key[i]);
    out << std::right << std::setprecision(0) << std::setw(10) << cl.observed << std::setprecision(1) << std::setw(10)
        << cl.mean << std::setw(10) << cl.p05 << std::setw(10) << cl.p95 << std::setw(8) << (cl.inside ? "yes" : "no")
        << std::setprecision(2) << std::setw(10) << cl.crps << "\n";
  }
  out << std::setprecision(2);
  std::size_t inside = 0;
  for (const auto& cl : c.cells) inside += cl.inside ? 1 : 0;
  out << "coverage of the runs' 90% interval: " << c.coverage << " (" << inside << " of " << c.cells.size()
      << " cells; about 0.90 if the runs and the observations agree)\n";
  out << "CRPS, mean over cells: " << c.mean_crps << " " << what << " (0 is a perfect forecast)\n";
  if (c.admin1_rank_correlation)
    out << "rank correlation across admin1 (Spearman, totals over the period): " << *c.admin1_rank_correlation
        << " over " << c.admin1_compared << " admin1\n";
  else
    out << "rank correlation across admin1: not computed (" << c.admin1_compared
        << " admin1 with events, or totals without variation)\n";
  if (c.observed_outside > 0)
    out << c.observed_outside << " observed events fall outside the period and are left out\n";
  if (!c.unmatched_admin1.empty()) {
    out << c.unmatched_events << " observed events are in admin1 the runs do not have, and are left out:";
    for (const auto& a : c.unmatched_admin1) out << " '" << a << "'";
    out << " (the scenario's event_data.admin1 names what its regions are called)\n";
  }
  out.unsetf(std::ios::fixed);
}

}  // namespace confsim::output
