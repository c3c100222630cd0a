#!/usr/bin/python3
"""Import + statistics benchmark: Easel against data.table::fread and pandas.

Generates the 1 M-row mixed-type file with ../shared/data/make_large.py (once),
then times whole processes side by side on the same file, best of N runs taken in turns:

  easel   easel-cli inspect FILE --json   (parse, type inference, statistics,
                                           warnings, correlations)
  fread   Rscript: data.table::fread(FILE) with 2 threads
  pandas  /usr/bin/python3: pandas.read_csv(FILE)

and prints wall time, MB/s, peak memory (max RSS) and the ratios the
foundation issue asks for (easel <= 2x fread, >= 3x faster than pandas,
peak memory <= 1.5x the file).

  bench/import_bench.py [--rows 1000000] [--runs 3] [--build build] [--file PATH]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS in MB). The wall
    time is the script's own clock (/usr/bin/time rounds to 10 ms)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd
        start = time.perf_counter()
        subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        secs = time.perf_counter() - start
        kb = tf.read().split()[-1]
        return secs, int(kb) / 1024.0


def best_of(commands, runs):
    """Best wall time and largest peak per contender, runs taken in turns so that a
    change in the machine's speed touches every contender alike."""
    results = {name: [] for name, _ in commands}
    for _ in range(runs):
        for name, cmd in commands:
            results[name].append(timed(cmd))
    return {name: (min(r[0] for r in rs), max(r[1] for r in rs)) for name, rs in results.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build", default=os.environ.get("EASEL_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--file", help="benchmark this CSV instead of a generated one")
    args = ap.parse_args()

    if not os.path.exists("/usr/bin/time"):
        sys.exit("import_bench: /usr/bin/time is missing: apt-get install time")
    cli = os.path.join(args.build, "bin", "easel-cli")
    if not os.path.exists(cli):
        sys.exit(f"import_bench: {cli} not found: build first (scripts/setup.sh)")

    path = args.file
    if not path:
        path = os.path.join(tempfile.gettempdir(), f"easel_bench_{args.rows}.csv")
        if not os.path.exists(path):
            print(f"generating {path} ({args.rows:,} rows) …", file=sys.stderr)
            subprocess.run(["/usr/bin/python3", os.path.join(SHARED, "make_large.py"), "--rows", str(args.rows),
                            "--task", "binary", "--out", path], check=True)
    size_mb = os.path.getsize(path) / 1e6
    # Warm the page cache so every contender reads from memory.
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass

    names = {"easel": "easel import + statistics (2 threads)", "fread": "R data.table::fread (2 threads)",
             "pandas": "pandas.read_csv"}
    commands = [("easel", [cli, "inspect", path, "--json"])]
    if shutil.which("Rscript"):
        r = ("suppressMessages(library(data.table)); setDTthreads(2); "
             f"d <- fread('{path}'); invisible(nrow(d))")
        commands.append(("fread", ["Rscript", "-e", r]))
    else:
        print("Rscript not found: apt-get install r-cran-data.table", file=sys.stderr)
    try:
        subprocess.run(["/usr/bin/python3", "-c", "import pandas"], check=True, stderr=subprocess.DEVNULL)
        commands.append(("pandas", ["/usr/bin/python3", "-c",
                                    f"import pandas as pd; d = pd.read_csv('{path}'); len(d)"]))
    except subprocess.CalledProcessError:
        print("pandas not found: apt-get install python3-pandas", file=sys.stderr)
    results = best_of(commands, args.runs)
    rows = [(names[name], *results[name]) for name, _ in commands]
    easel = results["easel"][0]
    fread = results.get("fread", (None,))[0]
    pandas = results.get("pandas", (None,))[0]
    print(f"\nfile: {path}  {size_mb:.1f} MB, {args.rows:,} rows; whole processes, best of {args.runs}\n")
    print(f"{'contender':40} {'wall s':>8} {'MB/s':>8} {'peak MB':>9} {'peak/file':>10}")
    for name, s, m in rows:
        print(f"{name:40} {s:8.3f} {size_mb / s:8.0f} {m:9.0f} {m / size_mb:10.2f}")
    print()
    ok = True
    if fread:
        ratio = easel / fread
        ok &= ratio <= 2.0
        print(f"easel / fread  = {ratio:.2f}  (goal <= 2.0)  {'ok' if ratio <= 2.0 else 'MISSED'}")
    if pandas:
        ratio = pandas / easel
        ok &= ratio >= 3.0
        print(f"pandas / easel = {ratio:.2f}  (goal >= 3.0)  {'ok' if ratio >= 3.0 else 'MISSED'}")
    peak = rows[0][2] / size_mb
    ok &= peak <= 1.5
    print(f"easel peak memory / file size = {peak:.2f}  (goal <= 1.5)  {'ok' if peak <= 1.5 else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
