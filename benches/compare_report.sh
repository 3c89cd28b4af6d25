#!/usr/bin/env bash
# Whole-process figures of `report --by year --format csv` over a generated 1,000,000-row
# quota-feed/1 CSV file source, side by side with the DuckDB CLI and the Python baseline
# (benches/baseline_report.py), in one run. See docs/benchmarks.md.
#
#   bash benches/compare_report.sh [ROWS] [RUNS]    # defaults 1000000 and 10; files go to target/scale/
#
# 1. generates the feed (examples/gen_feed.rs: 20 commodities x 31 years, seed 7) and a
#    config with one file source pointing at it;
# 2. checks that quotawatch, DuckDB and Python print the same year totals;
# 3. times with hyperfine (apt-get install hyperfine): quotawatch cold (empty data dir:
#    parse, validate, write the store), quotawatch warm (the store holds the file), DuckDB,
#    and Python (3 runs: it takes seconds);
# 4. measures each one's peak resident memory (/usr/bin/time, 3 runs each, the largest);
# 5. prints the ratios the performance issue asks for, and the load average around it all.
#
# DuckDB (pip install duckdb-cli, installed here if absent) runs the issue's group-by, summing
# the holders' rows so its figures equal quotawatch's (the feed's `total` rows repeat them):
#   select commodity, year, stage, sum(tonnes) from read_csv(...) where category <> 'total'
#   group by all order by all
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
runs="${2:-10}"
dir="target/scale"
mkdir -p "$dir"
feed="$dir/quotas-20x31-$rows.csv"
config="$dir/quotas-20x31-$rows.toml"

command -v hyperfine > /dev/null || { echo "needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
command -v duckdb > /dev/null || pip install --quiet duckdb-cli
cargo build --release --quiet --bin quotawatch --example gen_feed
bin="target/release/quotawatch"
[ -f "$feed" ] || target/release/examples/gen_feed --rows "$rows" --commodities 20 --years 31 --seed 7 --out "$feed"
printf '[[sources]]\nname = "generated"\nkind = "file"\npath = "%s"\n' "$(basename "$feed")" > "$config"

data="$dir/data-20x31-$rows"
report="$bin --no-bundled --data-dir $data --config $config report --by year --format csv"
query="select commodity, year, stage, sum(tonnes) from read_csv('$feed') where category <> 'total' group by all order by all"
duck=(duckdb -csv -noheader -c "$query")
baseline=(python3 benches/baseline_report.py "$feed")

echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $(duckdb --version | cut -d' ' -f1)"
rm -rf "$data"
$report | cut -d, -f1-4 | tail -n +2 > "$dir/quotawatch.out"
"${duck[@]}" | sed 's/\.0*$//' > "$dir/duckdb.out"
"${baseline[@]}" | tail -n +2 > "$dir/python.out"
if cmp -s "$dir/quotawatch.out" "$dir/duckdb.out" && cmp -s "$dir/quotawatch.out" "$dir/python.out"; then
  echo "same year totals from all three: $(wc -l < "$dir/quotawatch.out") rows (commodity, year, stage)"
else
  echo "year totals DIFFER: diff $dir/quotawatch.out $dir/duckdb.out (or python.out)" >&2
  exit 1
fi

hyperfine -N --runs "$runs" --prepare "rm -rf $data" --export-json "$dir/cold.json" -n "quotawatch cold" "$report"
$report > /dev/null
hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/warm.json" -n "quotawatch warm" "$report"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/duckdb.json" -n "duckdb" "duckdb -csv -c \"$query\""
hyperfine -N --runs 3 --export-json "$dir/python.json" -n "python" "${baseline[*]}"

peak() { # KIND COMMAND...: the largest of 3 runs' peak RSS, in KiB
  local kind=$1 most=0 kib
  shift
  for _ in 1 2 3; do
    if [ "$kind" = cold ]; then rm -rf "$data"; fi
    kib=$( { /usr/bin/time -f "%M" "$@" > /dev/null; } 2>&1 | tail -1)
    if [ "$kib" -gt "$most" ]; then most=$kib; fi
  done
  echo "$most"
}
rss_cold=$(peak cold $report)
rss_warm=$(peak warm $report)
rss_duck=$(peak duck "${duck[@]}")
rm -rf "$data"

python3 - "$dir" "$rss_cold" "$rss_warm" "$rss_duck" <<'EOF'
import json, sys
d, cold_kib, warm_kib, duck_kib = sys.argv[1], *map(int, sys.argv[2:])
mean = {n: json.load(open(f"{d}/{n}.json"))["results"][0] for n in ["cold", "warm", "duckdb", "python"]}
for n, r in mean.items():
    print(f"{n:>7}: mean {r['mean']*1000:7.1f} ms  median {r['median']*1000:7.1f} ms  min {r['min']*1000:7.1f} ms  (user {r['user']*1000:.0f} ms, system {r['system']*1000:.0f} ms)")
print(f"peak RSS: quotawatch cold {cold_kib/1024:.1f} MiB, warm {warm_kib/1024:.1f} MiB, duckdb {duck_kib/1024:.1f} MiB")
ratio = lambda a, b: mean[a]["mean"] / mean[b]["mean"]
print(f"duckdb / quotawatch cold = {ratio('duckdb', 'cold'):.2f} (goal >= 1.0)")
print(f"duckdb / quotawatch warm = {ratio('duckdb', 'warm'):.2f} (goal >= 2.0)")
print(f"python / quotawatch warm = {ratio('python', 'warm'):.1f}, python / cold = {ratio('python', 'cold'):.1f}")
print(f"quotawatch peak RSS / duckdb's: cold {cold_kib/duck_kib:.2f}, warm {warm_kib/duck_kib:.2f} (goal <= 1.0)")
EOF
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
