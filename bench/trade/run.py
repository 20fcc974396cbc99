#!/usr/bin/env python3
"""bench/trade: entente vs the DuckDB CLI, whole process against whole process, same run.

usage: bench/trade/run.py [--rows 20000000] [--runs 5] [--entente target/release/entente]
Needs: python3 with numpy + pyarrow (gen.py), the DuckDB CLI (`pip install duckdb-cli`).
Writes bench/trade/results.json and prints a Markdown table for BENCHMARKS.md.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, time, platform

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=20_000_000)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--entente", default=os.path.join(root, "target", "release", "entente"))
ap.add_argument("--work", default="/tmp/entente-bench-trade")
a = ap.parse_args()

os.makedirs(a.work, exist_ok=True)
csv = os.path.join(a.work, f"synth-{a.rows}.csv")
if not os.path.exists(csv):
    subprocess.run([sys.executable, os.path.join(here, "gen.py"), csv, str(a.rows)], check=True)
rows = sum(1 for _ in open(csv, "rb")) - 1
data = os.path.join(a.work, "entente-data")
duck_pq = os.path.join(a.work, "duck.parquet")

def timed(cmd, env=None):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr.decode()}")
    return dt, r.stdout.decode()

E = [a.entente, "--quiet", "--data-dir", data]
results = {"rows": rows, "runs": a.runs, "machine": f"{os.cpu_count()} cores, {platform.machine()}",
           "date": time.strftime("%Y-%m-%d"), "duckdb": subprocess.run(["duckdb", "--version"], stdout=subprocess.PIPE).stdout.decode().strip(),
           "tasks": {}}

# CSV -> Parquet import (fresh each run).
imp_e, imp_d = [], []
for _ in range(a.runs):
    shutil.rmtree(data, ignore_errors=True)
    imp_e.append(timed(E + ["trade", "import", csv, "--format", "csv"])[0])
    if os.path.exists(duck_pq):
        os.remove(duck_pq)
    imp_d.append(timed(["duckdb", "-c",
        f"COPY (SELECT reporter, partner, flow, CAST(substr(period,1,4) AS INT) AS year, "
        f"CAST(substr(period,6,2) AS INT) AS month, hs, value_usd, quantity, unit "
        f"FROM read_csv('{csv}')) TO '{duck_pq}' (FORMAT parquet)"])[0])
results["tasks"]["import CSV → Parquet"] = (imp_e, imp_d)

D = lambda sql: ["duckdb", "-csv", "-c", sql.replace("{T}", f"read_parquet('{duck_pq}')")]
queries = {
    "top-10 HS4, one partner, Jan–Oct 2025": (
        E + ["trade", "top", "--reporter", "CN", "--partner", "KP", "--flow", "export", "--from", "2025-01", "--to", "2025-10", "--level", "4", "-n", "10", "--csv"],
        D("SELECT substr(hs,1,4) AS hs4, sum(value_usd) AS v FROM {T} WHERE reporter='CN' AND partner='KP' AND flow='export' AND year=2025 AND month BETWEEN 1 AND 10 GROUP BY 1 ORDER BY 2 DESC LIMIT 10")),
    "monthly totals, one partner, 10 years": (
        E + ["trade", "totals", "--reporter", "CN", "--partner", "KP", "--by", "month", "--from", "2016-01", "--to", "2025-12", "--csv"],
        D("SELECT year, month, sum(CASE WHEN flow='export' THEN value_usd ELSE 0 END) AS x, sum(CASE WHEN flow='import' THEN value_usd ELSE 0 END) AS m FROM {T} WHERE reporter='CN' AND partner='KP' GROUP BY 1, 2 ORDER BY 1, 2")),
    "YTD Jan–Oct, 7 years": (
        E + ["trade", "ytd", "--reporter", "CN", "--partner", "KP", "--through", "10", "--years", "2019-2025", "--csv"],
        D("SELECT year, sum(CASE WHEN flow='export' THEN value_usd ELSE 0 END) AS x, sum(CASE WHEN flow='import' THEN value_usd ELSE 0 END) AS m FROM {T} WHERE reporter='CN' AND partner='KP' AND year BETWEEN 2019 AND 2025 AND month <= 10 GROUP BY 1 ORDER BY 1")),
}
for name, (ecmd, dcmd) in queries.items():
    timed(ecmd); timed(dcmd)  # warm the page cache for both
    te, td = [], []
    for _ in range(a.runs):
        te.append(timed(ecmd)[0])
        td.append(timed(dcmd)[0])
    results["tasks"][name] = (te, td)

with open(os.path.join(here, "results.json"), "w") as f:
    json.dump(results, f, indent=2)
print(f"\n{rows:,} rows; {a.runs} runs each; medians in seconds; {results['duckdb']}\n")
print("| task | entente | DuckDB CLI | ratio |")
print("| --- | ---: | ---: | ---: |")
for name, (te, td) in results["tasks"].items():
    me, md = statistics.median(te), statistics.median(td)
    print(f"| {name} | {me:.3f} | {md:.3f} | {me / md:.2f} |")
