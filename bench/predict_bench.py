#!/usr/bin/env python3
"""Batch scoring throughput: `easel-cli predict` against Python + XGBoost, end to end.

Both sides score the same CSV with the same booster and write a CSV with the
input columns and the prediction:

  easel   easel-cli predict MODEL.easel big.csv --out easel_out.csv
  python  pandas.read_csv → xgboost.Booster.inplace_predict → DataFrame.to_csv
          (Debian's python3-xgboost / python3-pandas)

The data set is numeric only (make_large.py's numeric columns), so the features are
the raw columns and the Python side needs no preprocessing. The bundle is built on
more than 50 000 rows, so it holds a single booster (holdout validation), which the
script pulls out of the .easel container (its UBJ payload) for Python.

Usage:
    python3 bench/predict_bench.py --cli build-explain/bin/easel-cli [--rows 1000000]
Prints one JSON object: seconds for each side (best of --repeats), rows/s, peak RSS,
and the largest difference between the two sides' predictions.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_LARGE = os.path.join(HERE, "..", "..", "shared", "data", "make_large.py")
NUMERIC = ["x1", "x2", "x3", "x4", "x_int", "x_skew", "x_noise1", "x_noise2"]

PYTHON_SCORER = r'''
import sys, json, pandas as pd, numpy as np, xgboost as xgb
members, columns, src, dst = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
boosters = []
for path, best, weight in members:
    b = xgb.Booster()
    b.load_model(bytearray(open(path, "rb").read()))
    b.set_param({"nthread": %d})
    boosters.append((b, best, weight))
df = pd.read_csv(src)
x = df[columns].to_numpy(dtype=np.float32)
total = sum(w for _, _, w in boosters)
df["prediction"] = sum(w * b.inplace_predict(x, iteration_range=(0, best + 1)) for b, best, w in boosters) / total
df.to_csv(dst, index=False)
'''


def numeric_csv(src, dst):
    """Keeps the numeric columns and the target of a make_large.py file."""
    import csv
    with open(src, newline="") as f, open(dst, "w", newline="") as g:
        r = csv.reader(f)
        w = csv.writer(g, lineterminator="\n")
        header = next(r)
        keep = [header.index(c) for c in NUMERIC + ["target"]]
        w.writerow([header[i] for i in keep])
        for row in r:
            w.writerow([row[i] for i in keep])


def bundle_payloads(path):
    """Reads the .easel container: "EASELMDL" u32 version u32 count, entries name/bytes."""
    data = open(path, "rb").read()
    assert data[:8] == b"EASELMDL"
    _, count = struct.unpack_from("<II", data, 8)
    pos, out = 16, {}
    for _ in range(count):
        (n,) = struct.unpack_from("<I", data, pos)
        pos += 4
        name = data[pos:pos + n].decode()
        pos += n
        (size,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        out[name] = data[pos:pos + size]
        pos += size
    return out


def timed(cmd, env=None):
    """Wall seconds and peak RSS (MB, from /usr/bin/time) of one process."""
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "maxrss_kb=%M"] + cmd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env, text=True)
    seconds = time.perf_counter() - t
    kb = [int(l.split("=")[1]) for l in r.stderr.splitlines() if l.startswith("maxrss_kb=")]
    return seconds, (kb[-1] / 1024.0) if kb else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--train-rows", type=int, default=100000)
    ap.add_argument("--time-limit", type=float, default=30)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    work = args.workdir or tempfile.mkdtemp(prefix="easel_predict_bench_")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, EASEL_LIBRARY=os.path.join(work, "library.db"), OMP_WAIT_POLICY="PASSIVE")

    train, big, model = (os.path.join(work, n) for n in ("train.csv", "big.csv", "model.easel"))
    for path, rows, seed in ((train, args.train_rows, 1), (big, args.rows, 2)):
        if not os.path.exists(path):
            raw = path + ".raw"
            subprocess.run([sys.executable, MAKE_LARGE, "--rows", str(rows), "--task", "regression", "--seed",
                            str(seed), "--out", raw], check=True, stdout=subprocess.DEVNULL)
            numeric_csv(raw, path)
            os.remove(raw)
    if not os.path.exists(model):
        subprocess.run([args.cli, "build", train, "--target", "target", "--families", "xgboost", "--time-limit",
                        str(args.time_limit), "--out", model, "--library", env["EASEL_LIBRARY"]],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    payloads = bundle_payloads(model)
    manifest = json.loads(payloads["manifest.json"])
    import xgboost as xgb
    members, trees = [], 0
    for i, m in enumerate(manifest["members"]):
        assert m["family"] == "xgboost" and len(m["folds"]) == 1, "expected XGBoost members with one booster each " \
            "(build on more than 50 000 rows with --families xgboost)"
        payload = payloads[m["folds"][0]["payload"]]
        booster_path = os.path.join(work, "booster_%d.ubj" % i)
        open(booster_path, "wb").write(payload)
        b = xgb.Booster()
        b.load_model(bytearray(payload))
        best = int(b.attr("best_iteration") or (b.num_boosted_rounds() - 1))
        trees += best + 1
        members.append((booster_path, best, m["weight"]))
    columns = [c["name"] for c in manifest["input_schema"]]
    pipeline = manifest["pipelines"][manifest["members"][0]["folds"][0]["pipeline"]]

    scorer = os.path.join(work, "score.py")
    open(scorer, "w").write(PYTHON_SCORER % args.threads)
    easel_out, py_out = os.path.join(work, "easel_out.csv"), os.path.join(work, "python_out.csv")
    easel_cmd = [args.cli, "predict", model, big, "--out", easel_out]
    py_cmd = [sys.executable, scorer, json.dumps(members), json.dumps(columns), big, py_out]
    results = {"easel": [], "python": []}
    for _ in range(args.repeats):
        results["easel"].append(timed(easel_cmd, env))
        results["python"].append(timed(py_cmd, env))

    # Same predictions?
    import pandas as pd
    e = pd.read_csv(easel_out)["prediction"].to_numpy()
    p = pd.read_csv(py_out)["prediction"].to_numpy()
    size = os.path.getsize(big)
    easel_s = min(s for s, _ in results["easel"])
    py_s = min(s for s, _ in results["python"])
    print(json.dumps({
        "rows": args.rows, "file_mb": round(size / 2**20, 1), "features": columns,
        "boosters": len(members), "boosting_rounds": trees, "pipeline_flavour": pipeline.get("flavour"),
        "easel_seconds": round(easel_s, 3), "python_seconds": round(py_s, 3),
        "easel_rows_per_s": round(args.rows / easel_s), "python_rows_per_s": round(args.rows / py_s),
        "speedup": round(py_s / easel_s, 2),
        "easel_peak_rss_mb": round(max(m for _, m in results["easel"]), 1),
        "python_peak_rss_mb": round(max(m for _, m in results["python"]), 1),
        "max_abs_prediction_difference": float(abs(e - p).max()),
        "workdir": work,
    }, indent=2))


if __name__ == "__main__":
    main()
