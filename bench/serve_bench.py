#!/usr/bin/python3
"""Load test of `easel-cli serve`: a local server on a free loopback port, hit by
N concurrent keep-alive clients (standard library only: http.client + threading).

For each payload (one row per request, then 100-row batches) and each client
count, every client sends up to --requests requests or stops at --seconds,
whichever comes first; every answer is checked (status 200, one prediction per
row, the same bytes as the answer to that body alone). Prints requests/s,
rows/s and p50/p99 latency. Loopback only; the script starts and stops the server.

  bench/serve_bench.py [--build build] [--model M.easel] [--clients 1,4,16]
                       [--requests 1000] [--seconds 10] [--threads N]

Without --model it trains a small iris model first (easel-cli build, 8 s budget).
"""
import argparse
import csv
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def client(host, port, body, rows, max_requests, deadline, out, expected=None):
    """One keep-alive connection sending the same body; appends (latencies, errors) to out.
    An answer is an error unless it is 200 with one prediction per row and, when expected
    is given, byte for byte the answer the server gave to the same body alone."""
    latencies, errors = [], 0
    conn = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Content-Type": "application/json"}
    try:
        for _ in range(max_requests):
            if time.monotonic() >= deadline:
                break
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/predict", body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            latencies.append(time.perf_counter() - t0)
            if resp.status != 200 or (data != expected if expected is not None
                                       else len(json.loads(data)["predictions"]) != rows):
                errors += 1
    finally:
        conn.close()
    out.append((latencies, errors))


def scenario(host, port, body, rows, clients, max_requests, seconds, expected=None):
    results = []
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(host, port, body, rows, max_requests, deadline, results, expected))
               for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies = [x for lat, _ in results for x in lat]
    errors = sum(e for _, e in results)
    return len(latencies), errors, wall, latencies


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.environ.get("EASEL_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--model", help="serve this bundle instead of a freshly trained iris model")
    ap.add_argument("--clients", default="1,4,16", help="comma-separated concurrent client counts")
    ap.add_argument("--requests", type=int, default=1000, help="most requests per client per scenario")
    ap.add_argument("--seconds", type=float, default=10.0, help="most seconds per scenario")
    ap.add_argument("--threads", type=int, help="server prediction threads (default: one per core)")
    args = ap.parse_args()

    cli = os.path.join(args.build, "bin", "easel-cli")
    if not os.path.exists(cli):
        sys.exit(f"serve_bench: {cli} not found: build first (scripts/setup.sh)")
    iris = os.path.join(SHARED, "iris.csv")
    tmp = tempfile.TemporaryDirectory(prefix="easel_serve_bench_")
    env = dict(os.environ, EASEL_LIBRARY=os.path.join(tmp.name, "library.easeldb"))
    model = args.model
    if not model:
        model = os.path.join(tmp.name, "iris.easel")
        subprocess.run([cli, "build", iris, "--target", "species", "--out", model, "--time-limit", "8",
                        "--families", "xgboost,linear"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    # Rows to send: iris feature columns (or the schema's example row for another model).
    cmd = [cli, "serve", model, "--port", "0", "--host", "127.0.0.1"]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first = server.stdout.readline().strip()
        if " on http://" not in first:
            sys.exit(f"serve_bench: the server did not start: {first!r}")
        hostport = first.rsplit("http://", 1)[1]
        host, port = hostport.rsplit(":", 1)
        port = int(port)
        conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.request("GET", "/schema")
        schema = json.loads(conn.getresponse().read())
        conn.close()
        names = [c["name"] for c in schema["columns"]]
        if not args.model:
            with open(iris, newline="") as f:
                pool = [{k: float(r[k]) for k in names} for r in csv.DictReader(f)]
        else:
            pool = [schema["example"]]
        batch = [pool[i % len(pool)] for i in range(100)]
        payloads = [("1 row", json.dumps(pool[0]).encode(), 1),
                    ("100 rows", json.dumps(batch).encode(), 100)]

        print(f"easel-cli serve {os.path.basename(model)} on {host}:{port}, "
              f"{os.cpu_count()} CPUs, {args.threads or 'default'} server threads")
        print(f"{'payload':<9} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>9} {'rows/s':>10} "
              f"{'p50 ms':>8} {'p99 ms':>8}")
        for label, body, rows in payloads:
            scenario(host, port, body, rows, 1, 20, 2.0)  # warm-up
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("POST", "/predict", body=body, headers={"Content-Type": "application/json"})
            expected = conn.getresponse().read()
            conn.close()
            for clients in [int(c) for c in args.clients.split(",") if c.strip()]:
                n, errors, wall, lat = scenario(host, port, body, rows, clients, args.requests, args.seconds,
                                                 expected)
                rps = n / wall if wall > 0 else 0.0
                print(f"{label:<9} {clients:>7} {n:>8} {errors:>6} {rps:>9.0f} {rps * rows:>10.0f} "
                      f"{percentile(lat, 50) * 1e3:>8.2f} {percentile(lat, 99) * 1e3:>8.2f}", flush=True)
        if server.poll() is not None:
            sys.exit("serve_bench: the server stopped during the run")
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        tmp.cleanup()


if __name__ == "__main__":
    main()
