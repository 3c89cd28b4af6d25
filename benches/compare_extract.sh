#!/usr/bin/env bash
# `quotawatch extract` over a 10,000-item RSS feed, side by side with Python's feedparser
# merely parsing the same file (benches/baseline_extract.py). See docs/benchmarks.md.
#
#   bash benches/compare_extract.sh [ITEMS]      # default 10000; files go to target/extract-bench/
#
# Needs `pip install feedparser`, and hyperfine (apt-get install hyperfine) for the
# side-by-side timing (else /usr/bin/time, three runs each).
set -euo pipefail
cd "$(dirname "$0")/.."
items="${1:-10000}"
dir="target/extract-bench"
mkdir -p "$dir"
feed="$dir/feed-$items.xml"

cargo build --release --quiet --bin quotawatch
bin="target/release/quotawatch"
python3 benches/gen_extract_feed.py "$items" "$feed"

# Both read every item: feedparser's count and ours (announcements found, for the record).
entries=$(python3 benches/baseline_extract.py "$feed")
[ "$entries" = "$items" ] || { echo "feedparser read $entries of $items items" >&2; exit 1; }
found=$("$bin" extract "$feed" --format csv | tail -n +2 | wc -l)
echo "feedparser: $entries entries; quotawatch extract: $found quota rows from $items items"

extract=("$bin" extract "$feed")
baseline=(python3 benches/baseline_extract.py "$feed")
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 2 --runs 10 -N --export-markdown "$dir/compare.md" "${baseline[*]}" "${extract[*]}"
else
  for cmd in "${baseline[*]}" "${extract[*]}"; do
    for _ in 1 2 3; do /usr/bin/time -f "%e s wall, %U s user, %S s sys: $cmd" $cmd > /dev/null; done
  done
fi
/usr/bin/time -f "quotawatch extract peak resident memory: %M KiB" "${extract[@]}" > /dev/null
