#!/usr/bin/python3
"""Writes the dated events of an event catalog (scenarios/data/*.yaml) as an ACLED CSV.

  catalog_to_acled.py CATALOG.yaml SCENARIO.yaml -o OUT.csv    write it
  catalog_to_acled.py CATALOG.yaml SCENARIO.yaml --check OUT.csv
                                                              exit 1 unless OUT.csv is what it would write

One row per catalog entry dated to a day, week or month (`date:`); entries that give a total over a
period (`from:` … `to:`, e.g. "three dozen attacks since October") are not events ACLED would record
one row for, and are left out: they are calibration targets (targets.yaml). The scenario's
event_data gives the country's codes, the governorates' spellings and the actors' names, so the
file matches what `confsim export` writes for a run. The source column cites the document and
quotes it; fatalities are the entry's `killed` (0 when it gives none); coordinates stay empty.
"""
import argparse
import csv
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("catalog_to_acled.py", "yaml")
import yaml  # noqa: E402

# The catalog's kinds as ACLED event type and sub-event type. Kinds confsim simulates map as its
# vocabulary does (docs/event-data.md); the rest are what the documents report beyond the model.
EVENT_TYPES = {
    "protest": ("Protests", "Peaceful protest"),
    "protester_killed": ("Protests", "Excessive force against protesters"),
    "rocket_attack": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "ied_attack": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "drone_attack": ("Explosions/Remote violence", "Air/drone strike"),
    "retaliation_strike": ("Explosions/Remote violence", "Air/drone strike"),
    "leadership_strike": ("Explosions/Remote violence", "Air/drone strike"),
    "march": ("Riots", "Violent demonstration"),
    "embassy_attack": ("Riots", "Violent demonstration"),
    "media_attack": ("Strategic developments", "Looting/property destruction"),
    "party_office_attack": ("Strategic developments", "Looting/property destruction"),
    "abduction": ("Violence against civilians", "Abduction/forced disappearance"),
    "assassination": ("Violence against civilians", "Attack"),
    "insurgent_attack": ("Battles", "Armed clash"),
    "raid": ("Strategic developments", "Arrests"),
    "release": ("Strategic developments", "Other"),
    "threat": ("Strategic developments", "Other"),
    "election": ("Strategic developments", "Other"),
    "political": ("Strategic developments", "Other"),
    "statement": ("Strategic developments", "Other"),
    "policy": ("Strategic developments", "Other"),
    "escalation": ("Strategic developments", "Other"),
    "clash": ("Riots", "Violent demonstration"),
}
# ACLED inter codes of the actors the catalog names (1 state, 2 rebels, 3 political militias,
# 5 rioters, 6 protesters, 8 external/other); unclaimed attacks are ACLED's unidentified armed groups.
INTER = {
    "government": 1, "security_forces": 1, "parliament": 1, "prime_minister": 1,
    "coalition": 8, "us_forces": 8, "us_embassy": 8, "un": 8, "irgc_leadership": 8,
    "islamic_state": 2, "protesters": 6, "pmf_supporters": 5,
    "media": 7, "party_office": 7, "civilians": 7, "us_convoy": 7,
}
UNCLAIMED = {"unclaimed", "unknown"}
# Names of actors the catalog has and the scenario does not.
CATALOG_NAMES = {"pmf_supporters": "Supporters of the Popular Mobilization Forces",
                 "pmf_units": "Popular Mobilization Forces", "parliament": "Parliament of Iraq",
                 "saraya_al_salam": "Saraya al-Salam", "islamic_resistance": "Islamic Resistance"}
PRECISION = {"day": 1, "week": 2, "month": 3}
COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
           "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
           "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
           "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]


def plain(value):
    """A scenario value with or without its {value:, source:} wrapper."""
    return value["value"] if isinstance(value, dict) and "value" in value else value


def disorder_type(event_type, sub_event_type):
    if event_type == "Strategic developments":
        return "Strategic developments"
    if event_type == "Riots" or sub_event_type == "Excessive force against protesters":
        return "Political violence; Demonstrations"
    if event_type == "Protests":
        return "Demonstrations"
    return "Political violence"


def rows(catalog, scenario):
    data = scenario.get("event_data", {})
    country = plain(data.get("country", "")) or str(scenario["country"]["name"]).title()
    iso3 = plain(data.get("iso3", "")) or country
    names = {k: plain(v) for k, v in data.get("actor_names", {}).items() if k not in ("assumption", "source")}
    admin1 = {k: plain(v) for k, v in data.get("admin1", {}).items() if k not in ("assumption", "source")}
    regions = list(scenario["regions"])

    def actor(name):
        if name is None:
            return "", "", ""
        if name in UNCLAIMED:
            return f"Unidentified Armed Group ({country})", "", "3"
        if name == "protesters":
            return f"Protesters ({country})", "", "6"
        shown = names.get(name) or CATALOG_NAMES.get(name) or name.replace("_", " ").title()
        return shown, "", str(INTER.get(name, 3))

    def place(text):
        """The region whose name the place mentions, as the scenario's event_data spells it."""
        lowered = text.lower().replace(" ", "_")
        for region in regions:
            if region in lowered or (region == "basra" and "basra" in lowered):
                return admin1.get(region, region.replace("_", " ").title())
        for region in regions:  # "Mosul (Ninawa)", "near Balad (Salahuddin)"
            if region.replace("_", "") in lowered.replace("_", ""):
                return admin1.get(region, region.title())
        return ""

    out = []
    for e in catalog["events"]:
        if "date" not in e:
            continue  # a total over a period, not one event
        event_type, sub_event_type = EVENT_TYPES[e["kind"]]
        a1, assoc1, i1 = actor(e["actors"][0])
        a2, _, i2 = actor(e.get("target"))
        assoc1 = "; ".join(actor(x)[0] for x in e["actors"][1:])
        codes = sorted(int(i) for i in (i1, i2) if i)
        interaction = (codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)) if codes else ""
        source = e["source"]
        notes = e.get("note") or e.get("dated_by") or ""
        if e.get("wounded"):
            notes = (notes + "; " if notes else "") + f"{e['wounded']} wounded"
        if e.get("arrested"):
            notes = (notes + "; " if notes else "") + f"{e['arrested']} arrested"
        date = str(e["date"])
        out.append({
            "event_id_cnty": f"{iso3}-catalog-{e['id']}", "event_date": date, "year": date[:4],
            "time_precision": PRECISION[e["precision"]], "disorder_type": disorder_type(event_type, sub_event_type),
            "event_type": event_type, "sub_event_type": sub_event_type, "actor1": a1, "assoc_actor_1": assoc1,
            "inter1": i1, "actor2": a2, "assoc_actor_2": "", "inter2": i2, "interaction": interaction,
            "civilian_targeting": "Civilian targeting" if i2 == "7" else "",
            "iso": plain(data.get("iso", "")), "region": plain(data.get("world_region", "")), "country": country,
            "admin1": place(e["place"]), "admin2": "", "admin3": "", "location": e["place"], "latitude": "",
            "longitude": "", "geo_precision": "", "source": f"{source['document']}: \"{source['quote']}\"",
            "source_scale": "", "notes": notes, "fatalities": int(e.get("killed", 0)), "tags": "", "timestamp": "",
        })
    return out


def render(catalog_path, scenario_path):
    with open(catalog_path, encoding="utf-8") as f:
        catalog = yaml.safe_load(f)
    with open(scenario_path, encoding="utf-8") as f:
        scenario = yaml.safe_load(f)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(catalog, scenario))
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalog")
    parser.add_argument("scenario")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("-o", "--output")
    group.add_argument("--check", metavar="CSV")
    args = parser.parse_args()
    text = render(args.catalog, args.scenario)
    if args.check:
        with open(args.check, encoding="utf-8", newline="") as f:
            current = f.read()
        if current != text:
            print(f"{args.check} is not what {args.catalog} gives: regenerate it with\n"
                  f"  scripts/catalog_to_acled.py {args.catalog} {args.scenario} -o {args.check}")
            return 1
        print(f"{args.check}: in step with {args.catalog} ({text.count(chr(10)) - 1} events)")
        return 0
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
