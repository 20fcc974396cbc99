#!/usr/bin/env python3
"""Synthetic customs table for bench/trade: entente's canonical CSV.

~9,000 HS8 codes x 230 partners x 120 months (2016-01..2025-12), sparse like real customs data:
partners follow a power law in how many codes they trade, and an active (partner, code) pair
ships in most but not all months. One reporter (CN), exports and imports.

usage: gen.py OUT.csv [ROWS_TARGET]
"""
import sys
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

out = sys.argv[1]
target = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000_000
rng = np.random.default_rng(20261122)

n_codes, n_partners, n_months = 9000, 230, 120
# HS8 codes: chapters 01-97 (no 77), plausible 8-digit codes.
chapters = [c for c in range(1, 98) if c != 77]
codes = np.array(sorted({f"{rng.choice(chapters):02d}{rng.integers(1, 100):02d}{rng.integers(0, 100):02d}{rng.choice([0, 10, 20, 90]):02d}" for _ in range(n_codes * 2)})[:n_codes])
letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
partners = ["KP", "RU", "US", "JP", "KR", "DE", "VN", "HK"]
while len(partners) < n_partners:
    p = letters[rng.integers(0, 26)] + letters[rng.integers(0, 26)]
    if p not in partners and p not in ("XW", "ZZ"):
        partners.append(p)
# Real ISO codes are validated on import: map synthetic ones onto the ISO list.
import json
iso = [c["alpha_2"] for c in json.load(open("/usr/share/iso-codes/json/iso_3166-1.json"))["3166-1"]] if __import__("os").path.exists("/usr/share/iso-codes/json/iso_3166-1.json") else None
if iso:
    rest = [c for c in iso if c not in partners[:8]]
    partners = partners[:8] + rest[: n_partners - 8]
partners = np.array(partners)
months = np.array([f"{2016 + m // 12}-{m % 12 + 1:02d}" for m in range(n_months)])

rank = np.arange(1, n_partners + 1)
w = 1.0 / rank**0.7
q = 0.7  # share of months an active pair ships
k = np.clip(w / w.sum() * target / (n_months * q * 2), 50, n_codes).astype(int)  # 2 flows

cols = {"p": [], "f": [], "m": [], "h": []}
for pi in range(n_partners):
    for fi in (0, 1):
        hs_idx = rng.choice(n_codes, size=k[pi], replace=False)
        grid = rng.random((k[pi], n_months)) < q
        hi, mi = np.nonzero(grid)
        cols["p"].append(np.full(hi.size, pi, dtype=np.int32))
        cols["f"].append(np.full(hi.size, fi, dtype=np.int8))
        cols["m"].append(mi.astype(np.int32))
        cols["h"].append(hs_idx[hi].astype(np.int32))
p = np.concatenate(cols["p"]); f = np.concatenate(cols["f"]); m = np.concatenate(cols["m"]); h = np.concatenate(cols["h"])
order = rng.permutation(p.size)  # customs files are not sorted the way we store them
p, f, m, h = p[order], f[order], m[order], h[order]
n = p.size
value = np.round(rng.lognormal(10, 2.2, n)).astype(np.int64) + 1
qty = np.round(value / rng.uniform(0.5, 20, n)).astype(np.int64)

def dict_col(idx, values):
    return pa.DictionaryArray.from_arrays(pa.array(idx, type=pa.int32()), pa.array(values)).cast(pa.string())

table = pa.table({
    "reporter": pa.array(np.full(n, "CN")),
    "partner": dict_col(p, partners),
    "flow": dict_col(f.astype(np.int32), np.array(["export", "import"])),
    "period": dict_col(m, months),
    "hs": dict_col(h, codes),
    "value_usd": pa.array(value),
    "quantity": pa.array(qty),
    "unit": pa.array(np.full(n, "kg")),
})
pacsv.write_csv(table, out, pacsv.WriteOptions(quoting_style="none"))
print(f"{n} rows, {len(set(codes))} HS8 codes, {n_partners} partners, {n_months} months -> {out}", file=sys.stderr)
