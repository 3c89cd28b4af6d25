#!/usr/bin/env bash
# Whole-process figures of `report --by year` over a generated 1,000,000-row CSV file source,
# side by side with the Python baseline (benches/baseline_report.py). See docs/benchmarks.md.
#
#   bash benches/compare_report.sh [ROWS]      # default 1000000; files go to target/scale/
#
# 1. generates the feed (examples/gen_feed.rs, seed 7, 4 commodities) and a config with one
#    file source pointing at it;
# 2. checks that both print the same year totals (commodity, year, stage, tonnes);
# 3. times both with hyperfine (if installed: apt-get install hyperfine), else /usr/bin/time;
# 4. prints quotawatch's peak resident memory for the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
dir="target/scale"
mkdir -p "$dir"
feed="$dir/quotas-$rows.csv"
config="$dir/quotas-$rows.toml"

cargo build --release --quiet --bin quotawatch --example gen_feed
bin="target/release/quotawatch"
[ -f "$feed" ] || target/release/examples/gen_feed --rows "$rows" --commodities 4 --seed 7 --out "$feed"
printf '[[sources]]\nname = "generated"\nkind = "file"\npath = "%s"\n' "$(basename "$feed")" > "$config"

# The history store lives in its own data dir: the first run writes every version to it
# (timed separately below), later runs replay it and find nothing new in the file.
data="$dir/data-$rows"
rm -rf "$data"
report=("$bin" --no-bundled --data-dir "$data" --config "$config" report --by year --format csv)
baseline=(python3 benches/baseline_report.py "$feed")

if diff <("${report[@]}" | cut -d, -f1-4) <("${baseline[@]}") > "$dir/compare.diff"; then
  echo "same year totals: $(($(wc -l < <("${baseline[@]}")) - 1)) rows (commodity, year, stage) compared"
else
  echo "year totals DIFFER, see $dir/compare.diff" >&2
  exit 1
fi

rm -rf "$data"
/usr/bin/time -f "quotawatch first run (writes the store): %e s wall, %U s user, %S s sys, %M KiB" "${report[@]}" > /dev/null

if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs 10 -N --export-markdown "$dir/compare.md" "${baseline[*]}" "${report[*]}"
else
  for cmd in "${baseline[*]}" "${report[*]}"; do
    for _ in 1 2 3; do /usr/bin/time -f "%e s wall, %U s user, %S s sys: $cmd" $cmd > /dev/null; done
  done
fi
/usr/bin/time -f "quotawatch peak resident memory: %M KiB" "${report[@]}" > /dev/null
