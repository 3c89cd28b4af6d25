#!/usr/bin/env python3
"""Reference for `quotawatch --no-bundled report --by year --format csv` on one quota-feed/1 CSV file.

The baseline the Rust report is timed against (docs/benchmarks.md): the standard library's
`csv` module and dicts, computing the same year totals by the rules of quota-feed/1
("How figures combine", 1 to 3):

1. value of (announcement, stage, category): the `*` row if present, else the sum over holders;
2. stage total of an announcement: its `total` category if present, else the sum of the others;
3. year total: the sum of the year's batches, or batch 0 alone when the year has one.

It prints `commodity,year,stage,tonnes` sorted like the report, so the two can be compared
with `benches/compare_report.sh`. It assumes a valid document (no validation, no duplicate
rows, no `status` column): it is a baseline for speed, not a second implementation.

Usage: python3 benches/baseline_report.py FILE.csv
"""

import csv
import sys


def main(path):
    # (commodity, year, batch, stage, category) -> [star tonnes or None, sum over holders]
    values = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = [name.strip().lower() for name in next(reader)]
        col = {name: i for i, name in enumerate(header)}
        c_com, c_year, c_batch = col["commodity"], col["year"], col["batch"]
        c_stage, c_tonnes = col["stage"], col["tonnes"]
        c_cat, c_holder = col.get("category"), col.get("holder")
        for row in reader:
            if not row or not row[c_tonnes].strip():
                continue
            category = (row[c_cat].strip().lower() if c_cat is not None else "") or "total"
            holder = (row[c_holder].strip() if c_holder is not None else "") or "*"
            key = (
                row[c_com].strip().lower(),
                int(row[c_year]),
                int(row[c_batch]),
                row[c_stage].strip().lower(),
                category,
            )
            value = values.get(key)
            if value is None:
                value = values[key] = [None, 0.0]
            if holder == "*":
                value[0] = float(row[c_tonnes])
            else:
                value[1] += float(row[c_tonnes])

    # Rule 1, then rule 2: stage totals per announcement.
    totals = {}  # (commodity, year, batch, stage) -> [total category or None, sum of other categories]
    for (commodity, year, batch, stage, category), (star, holders) in values.items():
        value = star if star is not None else holders
        slot = totals.setdefault((commodity, year, batch, stage), [None, 0.0])
        if category == "total":
            slot[0] = value
        else:
            slot[1] += value

    # Rule 3: year totals.
    batches = {}  # (commodity, year, stage) -> {batch: stage total}
    for (commodity, year, batch, stage), (total, parts) in totals.items():
        batches.setdefault((commodity, year, stage), {})[batch] = total if total is not None else parts
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["commodity", "year", "stage", "tonnes"])
    for (commodity, year, stage), by_batch in sorted(batches.items()):
        tonnes = by_batch[0] if 0 in by_batch else sum(by_batch.values())
        out.writerow([commodity, year, stage, plain_number(tonnes)])


def plain_number(value):
    """As quotawatch writes tonnes in CSV: whole numbers without a decimal point."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.3f}".rstrip("0").rstrip(".")


if __name__ == "__main__":
    main(sys.argv[1])
