#!/usr/bin/python3
"""Quick-build benchmark: Easel against scikit-learn and XGBoost defaults.

For every data set in ../shared/data: an 80/20 split with seed 0 (stratified
for classification), leakage columns dropped as the data README says. Easel
runs `easel-cli build --mode quick` on the training part (120 s budget by
default) and `easel-cli predict` on the test part; on the same split the
script trains scikit-learn HistGradientBoosting, RandomForest(300) and XGBoost
with default settings. Everyone is scored on the test part with the AMLB
metric (AUC for binary, log loss for multiclass, RMSE for regression) and one
table is printed.

  bench/automl_bench.py [--time-limit 120] [--mode quick] [--only titanic,iris] [--build build]
                        [--standard-limit SECONDS] [--task FILE:TARGET:TYPE[:DROP,DROP]]...

--task benchmarks any CSV instead of the shared sets (TYPE is binary,
multiclass or regression), for trying Easel on data it has not been tuned on.

With --standard-limit, a standard build with that budget also runs on the same
split, and the table gains its score and whether it is at least as good as the
quick build (the AutoML issue asks for both).

For binary sets a second table gives everyone's log loss and accuracy at a 0.5
threshold on the test part: AUC scores only the order of the rows, while the
probabilities and labels are what a user reads.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score
from sklearn.model_selection import train_test_split
import xgboost as xgb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")

# file, target, task, columns to drop (leakage, per the data README)
TASKS = [
    ("abalone.csv", "Rings", "regression", []),
    ("adult.csv", "class", "binary", []),
    ("bank_marketing.csv", "y", "binary", ["duration"]),
    ("breast_cancer_wisconsin.csv", "class", "binary", []),
    ("california_housing.csv", "median_house_value", "regression", []),
    ("diamonds.csv", "price", "regression", []),
    ("german_credit.csv", "credit_risk", "binary", []),
    ("iris.csv", "species", "multiclass", []),
    ("penguins.csv", "species", "multiclass", []),
    ("phoneme.csv", "Class", "binary", []),
    ("taxis.csv", "total", "regression", ["fare", "tip", "tolls"]),
    ("tips.csv", "tip", "regression", []),
    ("titanic.csv", "survived", "binary", []),
    ("winequality_white.csv", "quality", "multiclass", []),
]
METRIC = {"binary": "auc", "multiclass": "log_loss", "regression": "rmse"}


def read(path):
    return pd.read_csv(path, na_values=["?", "NA"], keep_default_na=True)


def encode_for_peers(train, test, target):
    """Ordinal-encodes text columns, turns datetimes into numbers: what library defaults need."""
    X_tr, X_te = train.drop(columns=[target]).copy(), test.drop(columns=[target]).copy()
    cats = []
    for c in X_tr.columns:
        if X_tr[c].dtype == object:
            parsed = pd.to_datetime(X_tr[c], errors="coerce")
            if parsed.notna().mean() > 0.9:
                X_tr[c] = parsed.astype("int64") // 10**9
                X_te[c] = pd.to_datetime(X_te[c], errors="coerce").astype("int64") // 10**9
                continue
            levels = {v: i for i, v in enumerate(sorted(X_tr[c].dropna().unique()))}
            X_tr[c] = X_tr[c].map(levels).astype(float)
            X_te[c] = X_te[c].map(levels).astype(float)
            cats.append(c)
    return X_tr.astype(float), X_te.astype(float), cats


def score(task, y_true, pred, labels=None):
    if task == "binary":
        return roc_auc_score(y_true, pred)
    if task == "multiclass":
        return log_loss(y_true, pred, labels=labels)
    return mean_squared_error(y_true, pred, squared=False)


def probability_quality(y_true, p):
    """Binary: how good the probabilities themselves are, beyond the ranking AUC scores."""
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(p, dtype=float)
    return {"log_loss": log_loss(y, np.column_stack([1 - p, p]), labels=[0, 1]),
            "accuracy": float(np.mean((p >= 0.5) == (y == 1)))}


def peers(train, test, target, task):
    X_tr, X_te, cats = encode_for_peers(train, test, target)
    y_tr, y_te = train[target], test[target]
    out = {}
    if task == "regression":
        models = {
            "hgb": HistGradientBoostingRegressor(random_state=0),
            "rf300": RandomForestRegressor(n_estimators=300, n_jobs=2, random_state=0),
            "xgb": xgb.XGBRegressor(n_jobs=2, random_state=0),
        }
    else:
        models = {
            "hgb": HistGradientBoostingClassifier(random_state=0),
            "rf300": RandomForestClassifier(n_estimators=300, n_jobs=2, random_state=0),
            "xgb": xgb.XGBClassifier(n_jobs=2, random_state=0),
        }
    classes = sorted(y_tr.unique())
    index = {c: i for i, c in enumerate(classes)}
    for name, model in models.items():
        Xa, Xb = X_tr, X_te
        if name == "rf300":  # scikit-learn 1.2 forests take no NaN
            med = X_tr.median()
            Xa, Xb = X_tr.fillna(med).fillna(0), X_te.fillna(med).fillna(0)
        t = time.time()
        if task == "regression":
            model.fit(Xa, y_tr)
            pred = model.predict(Xb)
            out[name] = (score(task, y_te, pred), time.time() - t)
        else:
            model.fit(Xa, y_tr.map(index))
            proba = model.predict_proba(Xb)
            y = y_te.map(index)
            pred = proba[:, 1] if task == "binary" else proba
            out[name] = (score(task, y, pred, labels=list(range(len(classes)))), time.time() - t,
                         probability_quality(y, pred) if task == "binary" else None)
    return out


def easel(cli, train_csv, test_csv, target, task, mode, limit, workdir):
    model = os.path.join(workdir, "model.easel")
    result = os.path.join(workdir, "pred.csv")
    t = time.time()
    run = subprocess.run([cli, "build", train_csv, "--target", target, "--mode", mode, "--time-limit", str(limit),
                          "--seed", "0", "--out", model, "--json"], capture_output=True, text=True)
    build_seconds = time.time() - t
    if run.returncode != 0:
        return None, build_seconds, run.stderr.strip().splitlines()[-1:]
    summary = json.loads(run.stdout)
    # The build's own words on how it ended: which ensemble a standard build kept, and
    # whether its search stopped before the budget.
    summary["decisions"] = [l.strip() for l in run.stderr.splitlines()
                            if "keeping that one" in l or "improved the ensemble" in l or "without a better model" in l]
    summary["calibration"] = [l.strip() for l in run.stderr.splitlines() if "Probabilities recalibrated" in l]
    run = subprocess.run([cli, "predict", model, test_csv, "--out", result], capture_output=True, text=True)
    if run.returncode != 0:
        return None, build_seconds, run.stderr.strip().splitlines()[-1:]
    pred = pd.read_csv(result, keep_default_na=False, dtype=str)
    test = pd.read_csv(test_csv, keep_default_na=False, dtype=str)
    labels = summary.get("class_labels", [])
    if task == "regression":
        y = pd.to_numeric(test[target]).values
        p = pd.to_numeric(pred["prediction"]).values
        return score(task, y, p), build_seconds, summary
    index = {c: i for i, c in enumerate(labels)}
    y = test[target].map(index).values
    proba = np.column_stack([pd.to_numeric(pred[f"probability_{l}"]).values for l in labels])
    p = proba[:, 1] if task == "binary" else proba
    if task == "binary":
        summary["test_probability"] = probability_quality(y, p)
    return score(task, y, p, labels=list(range(len(labels)))), build_seconds, summary


def candidates(summary):
    """What a build tried, for --json: its validation score and each candidate's family, score and seconds."""
    if not isinstance(summary, dict):
        return None
    return {"validation_score": summary.get("validation_score"),
            "candidates": [[c.get("family"), c.get("score"), round(c.get("seconds", 0), 1)]
                           for c in summary.get("leaderboard", [])]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--time-limit", type=float, default=120)
    ap.add_argument("--mode", default="quick")
    ap.add_argument("--only", default="")
    ap.add_argument("--build", default=os.environ.get("EASEL_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--json", help="also write the rows as JSON here")
    ap.add_argument("--standard-limit", type=float, default=0,
                    help="also run a standard build with this budget and compare it with the quick one")
    ap.add_argument("--task", action="append", default=[],
                    help="FILE:TARGET:TYPE[:DROP,DROP] — benchmark this CSV instead of the shared sets")
    args = ap.parse_args()
    tasks = [(os.path.join(SHARED, file), target, task, drop) for file, target, task, drop in TASKS]
    if args.task:
        tasks = []
        for spec in args.task:
            parts = spec.split(":")
            if len(parts) not in (3, 4) or parts[2] not in METRIC:
                ap.error(f"--task {spec}: expected FILE:TARGET:binary|multiclass|regression[:DROP,DROP]")
            tasks.append((os.path.abspath(parts[0]), parts[1], parts[2],
                          list(filter(None, parts[3].split(","))) if len(parts) == 4 else []))
    cli = os.path.join(args.build, "bin", "easel-cli")
    only = set(filter(None, args.only.split(",")))

    rows = []
    header = f"{'data set':28} {'metric':8} {'easel':>9} {'hgb':>9} {'rf300':>9} {'xgb':>9} {'best peer':>9} {'easel s':>8}  verdict"
    if args.standard_limit:
        header += f"    {'standard':>9} {'std s':>7}  standard vs {args.mode}"
    print(header)
    print("-" * len(header))
    wins = 0
    done = 0
    std_ok = 0
    for path, target, task, drop in tasks:
        name = os.path.splitext(os.path.basename(path))[0]
        if only and name not in only:
            continue
        df = read(path).drop(columns=drop)
        df = df[df[target].notna()]
        strat = df[target] if task != "regression" else None
        train, test = train_test_split(df, test_size=0.2, random_state=0, stratify=strat)
        with tempfile.TemporaryDirectory() as tmp:
            train_csv, test_csv = os.path.join(tmp, "train.csv"), os.path.join(tmp, "test.csv")
            # Write from the original text so Easel reads the same values a user's CSV holds.
            raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=drop)
            raw.loc[train.index].to_csv(train_csv, index=False)
            raw.loc[test.index].to_csv(test_csv, index=False)
            e, secs, info = easel(cli, train_csv, test_csv, target, task, args.mode, args.time_limit, tmp)
            se, ssecs = None, 0.0
            if args.standard_limit:
                se, ssecs, sinfo = easel(cli, train_csv, test_csv, target, task, "standard", args.standard_limit, tmp)
        p = peers(train, test, target, task)
        higher = task == "binary"
        best_peer = max(v[0] for v in p.values()) if higher else min(v[0] for v in p.values())
        ok = e is not None and (e >= best_peer - 1e-12 if higher else e <= best_peer + 1e-12)
        wins += ok
        done += 1
        fmt = lambda v: f"{v:9.4f}" if abs(v) < 1000 else f"{v:9.1f}"
        verdict = ("as good" if ok else "worse") if e is not None else f"FAILED {info}"
        line = (f"{name:28} {METRIC[task]:8} {fmt(e) if e is not None else '        –'} {fmt(p['hgb'][0])} "
                f"{fmt(p['rf300'][0])} {fmt(p['xgb'][0])} {fmt(best_peer)} {secs:8.1f}  {verdict:8}")
        row = {"data_set": name, "metric": METRIC[task], "easel": e, "peers": {k: v[0] for k, v in p.items()},
               "easel_seconds": secs, "easel_build": candidates(info)}
        if task == "binary" and isinstance(info, dict) and "test_probability" in info:
            row["probability"] = {"easel": info["test_probability"], **{k: v[2] for k, v in p.items()}}
            row["calibration"] = info.get("calibration", [])
        if args.standard_limit:
            sok = se is not None and e is not None and (se >= e - 1e-12 if higher else se <= e + 1e-12)
            std_ok += sok
            line += f"    {fmt(se) if se is not None else '        –'} {ssecs:7.1f}  {'as good' if sok else 'worse'}"
            decisions = sinfo.get("decisions", []) if isinstance(sinfo, dict) else []
            row.update({"standard": se, "standard_seconds": ssecs, "standard_decisions": decisions,
                        "standard_build": candidates(sinfo)})
            for d in decisions:
                line += f"\n    {name}: {d}"
        print(line, flush=True)
        rows.append(row)
    print(f"\nEasel {args.mode} build at least as good as the best peer on {wins} of {done} data sets")
    binary = [r for r in rows if "probability" in r]
    if binary:
        print("\nBinary sets: the probabilities on the test part (log loss, lower is better; accuracy at 0.5)")
        print(f"{'data set':28} " + " ".join(f"{k + ' ll':>9} {k + ' acc':>9}" for k in ("easel", "hgb", "rf300", "xgb")))
        for r in binary:
            q = r["probability"]
            print(f"{r['data_set']:28} " + " ".join(f"{q[k]['log_loss']:9.4f} {q[k]['accuracy']:9.4f}"
                                                      for k in ("easel", "hgb", "rf300", "xgb")))
    if args.standard_limit:
        print(f"Standard build ({args.standard_limit:g} s) at least as good as the {args.mode} build on {std_ok} of {done}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
