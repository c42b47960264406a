#!/usr/bin/python3
"""pandas reads confsim's ACLED and UCDP exports, and the shipped documented-events file, with the
types those datasets have: dates parse, counts and codes are integers, empty columns are empty.

  check_event_exports.py CONFSIM PROJECT_DIR WORK_DIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from optional_modules import require  # noqa: E402

require("pandas", "h5py")
import h5py  # noqa: E402
import pandas as pd  # noqa: E402

confsim, project, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
run = os.path.join(work, "iraq.h5")
subprocess.run([confsim, "run", os.path.join(project, "scenarios/iraq/baseline.yaml"), "-o", run, "--seed", "5",
                "--ticks", "150", "--set", "scale.people_per_agent=5000", "-q"], check=True)
failures = []


def expect(ok, what):
    if not ok:
        failures.append(what)


with h5py.File(run, "r") as f:
    killed = int(f["events/killed"][...].sum())

acled_path = os.path.join(work, "acled.csv")
subprocess.run([confsim, "export", run, "--format", "acled", "-o", acled_path], check=True)
acled = pd.read_csv(acled_path, parse_dates=["event_date"], keep_default_na=False, na_values=[""])
expect(pd.api.types.is_datetime64_any_dtype(acled["event_date"]), f"event_date is {acled['event_date'].dtype}")
for column in ("year", "time_precision", "inter1", "interaction", "iso", "fatalities"):
    expect(pd.api.types.is_integer_dtype(acled[column]), f"ACLED {column} is {acled[column].dtype}, not integers")
expect(acled["latitude"].isna().all() and acled["longitude"].isna().all(), "coordinates are not empty")
expect(int(acled["fatalities"].sum()) == killed, f"ACLED fatalities {acled['fatalities'].sum()} != killed {killed}")
expect(set(acled["event_type"]) <= {"Battles", "Explosions/Remote violence", "Violence against civilians",
                                    "Protests", "Riots", "Strategic developments"}, "an event type outside ACLED's")
expect((acled["event_date"].dt.year == acled["year"]).all(), "year disagrees with event_date")
protests = acled[acled["event_type"] == "Protests"]
expect(len(protests) > 0 and protests["tags"].str.startswith("crowd size=").any(), "protests carry no crowd size")

ucdp_path = os.path.join(work, "ucdp.csv")
subprocess.run([confsim, "export", run, "--format", "ucdp", "-o", ucdp_path], check=True)
ucdp = pd.read_csv(ucdp_path, parse_dates=["date_start", "date_end"])
for column in ("type_of_violence", "deaths_a", "deaths_b", "deaths_civilians", "best", "low", "high", "country_id"):
    expect(pd.api.types.is_integer_dtype(ucdp[column]), f"UCDP {column} is {ucdp[column].dtype}, not integers")
expect(pd.api.types.is_datetime64_any_dtype(ucdp["date_start"]), "date_start does not parse")
expect(int(ucdp["best"].sum()) == killed, f"UCDP best {ucdp['best'].sum()} != killed {killed}")
expect(set(ucdp["type_of_violence"]) <= {1, 2, 3}, "a type of violence outside 1-3")

documented = pd.read_csv(os.path.join(project, "scenarios/data/iraq_documented_events.csv"),
                         parse_dates=["event_date"])
expect(pd.api.types.is_datetime64_any_dtype(documented["event_date"]), "documented event_date does not parse")
expect(pd.api.types.is_integer_dtype(documented["fatalities"]), "documented fatalities are not integers")
expect(documented["source"].str.contains(r"\.txt: \"").all(), "a documented row does not cite its document")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"pandas reads {len(acled)} ACLED rows ({killed} killed) and {len(ucdp)} UCDP rows with their types, and "
      f"{len(documented)} documented events")
