#!/usr/bin/env bash
# Briefing benchmark.
#   1. `entente demo` end to end (ingest 250 articles, import the trade files, extract,
#      compare, render the briefing), and the demo briefing alone (median of 5 renders).
#   2. The same briefing over a large knowledge base: the demo data plus N synthetic
#      articles ingested through the real pipeline and extracted, so every block — trends
#      through the index, events, comparisons — runs against N more sources. Two kinds:
#      `dense` (bench-search's generator: 2.3 KB articles full of leader names and meeting
#      verbs, so each yields events and citations) or `filler` (bench/brief/filler.py: short
#      routine news naming no tracked leader — the bulk of a real 1M-source collection).
# Usage: bench/brief.sh [N] [dense|filler]   (default 100000 dense; build the release
#        binaries first: cargo build --release -p entente-cli -p entente-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
KIND=${2:-dense}
BIN=target/release/entente
WORK=${WORK:-$(mktemp -d)}
SPEC=examples/demo/briefing.toml
ms() { python3 -c "import sys,time; print(int(time.time()*1000))"; }

echo "== entente demo (fresh data directory)"
t0=$(ms); $BIN -q demo --dir "$WORK/demo" >/dev/null; t1=$(ms)
echo "demo end to end: $(( t1 - t0 )) ms"
DATA="$WORK/demo/entente-data"
runs=()
for i in 1 2 3 4 5; do
  a=$(ms); $BIN -q --data-dir "$DATA" brief $SPEC -o "$WORK/b.html"; b=$(ms)
  runs+=($(( b - a )))
done
sorted=($(printf '%s\n' "${runs[@]}" | sort -n))
echo "demo briefing render: median ${sorted[2]} ms (runs: ${runs[*]} ms); $(grep -c 'id="fn-' "$WORK/b.html") footnotes"

echo "== large knowledge base: demo data + $N synthetic articles ($KIND)"
if [ "$KIND" = filler ]; then
  python3 bench/brief/filler.py "$N" "$WORK/big/corpus"
else
  target/release/bench-search "$N" --keep "$WORK/big" --generate-only >/dev/null
fi
t1=$(ms)
$BIN -q --data-dir "$DATA" ingest "$WORK/big/corpus" >/dev/null
t2=$(ms)
echo "ingested them into the demo data directory in $(( (t2 - t1) / 1000 )) s"
$BIN -q --data-dir "$DATA" extract >/dev/null
t3=$(ms)
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DATA/entente.sqlite" "$1"; }
echo "extracted in $(( (t3 - t2) / 1000 )) s; $(count 'select count(*) from sources') sources, $(count 'select count(*) from events') events"
runs=()
for i in 1 2 3; do
  a=$(ms); $BIN -q --data-dir "$DATA" brief $SPEC -o "$WORK/big.html"; b=$(ms)
  runs+=($(( b - a )))
done
sorted=($(printf '%s\n' "${runs[@]}" | sort -n))
echo "briefing over the large knowledge base: median ${sorted[1]} ms (runs: ${runs[*]} ms)"
