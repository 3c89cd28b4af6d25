#!/usr/bin/env bash
# The README's pictures, from the real binary: the dashboard on the bundled data in a tmux
# pane (120x36), with one RSS source (the extractor's test feed of real headlines, served on
# 127.0.0.1) for the Headlines view; each view captured with its colours and turned into SVG
# by ansi_to_svg.py.
# Rerun whenever a view changes: bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "screenshots.sh needs tmux (apt-get install tmux)" >&2; exit 1; }
cargo build --release --quiet
out=docs/screenshots
mkdir -p "$out"
data=$(mktemp -d)
session=qw-screenshots-$$
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory tests/fixtures/extract >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/rss2.xml')" 2>/dev/null && break; sleep 0.1; done
trap 'tmux kill-session -t "$session" 2>/dev/null || true; kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
mkdir -p "$data/quotawatch"
cat > "$data/quotawatch/config.toml" <<TOML
[[sources]]
name = "desk-wire"
kind = "rss"
url = "http://127.0.0.1:$port/rss2.xml"
interval = "5m"
TOML
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
shot headlines 7
tmux send-keys -t "$session" q
