#!/usr/bin/env bash
# The README's pictures, from the real binary: the dashboard on the bundled data in a tmux
# pane (120x36), each view captured with its colours and turned into SVG by ansi_to_svg.py.
# Rerun whenever a view changes: bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "screenshots.sh needs tmux (apt-get install tmux)" >&2; exit 1; }
cargo build --release --quiet
out=docs/screenshots
mkdir -p "$out"
data=$(mktemp -d)
session=qw-screenshots-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$data"' EXIT
tmux new-session -d -s "$session" -x 120 -y 36 \
    "QUOTAWATCH_DATA_DIR=$data XDG_CONFIG_HOME=$data ./target/release/quotawatch"
shot() { # name, keys to press first
    local name=$1; shift
    for key in "$@"; do tmux send-keys -t "$session" "$key"; sleep 0.3; done
    sleep 0.5
    tmux capture-pane -t "$session" -e -p | python3 scripts/ansi_to_svg.py 120 > "$out/$name.svg"
    echo "wrote $out/$name.svg"
}
sleep 1.5
shot overview
shot drill-down 2 Enter Enter
shot timeline Escape Escape 6
tmux send-keys -t "$session" q
