#!/usr/bin/env python3
"""Prints the P3 table from the results scripts/bench-http.sh collected.

Input: a tab-separated file with rows
  #meta  key=value ...
  skip   URL  STATUS
  page   URL  STATUS BYTES ENCODING STATIC_PATH  key=value ... (wrk figures,
         the wire bytes one answer should take, status after the run)
  static PATH STATUS BYTES ENCODING key=value ...
Always exits 0 when it can read the file: a FAIL is a finding, not an error.
"""
import math
import sys

P50_MS = 20.0
P99_MS = 100.0
MIN_RPS = {"/pressure": 500.0}  # path (without query) -> floor in requests/s
SHORT = 0.9  # answers averaging under this share of the probe's bytes were not all the page
SIMILAR = 2.0  # a static file within this factor of the page's size is "of similar size"


def figures(fields):
    d = {}
    for kv in fields:
        k, _, v = kv.partition("=")
        d[k] = float(v)
    d["rps"] = d["requests"] / (d["duration_us"] / 1e6) if d["duration_us"] else 0.0
    d["p50_ms"] = d["p50_us"] / 1000
    d["p99_ms"] = d["p99_us"] / 1000
    d["socket"] = d["connect"] + d["read"] + d["write"] + d["timeout"]
    # wrk counts statuses >= 400 only. A 3xx (a redirect to the sign-in page,
    # say) shows as answers shorter than the probe's: estimate how many.
    d["avg_bytes"] = d["bytes"] / d["requests"] if d["requests"] else 0.0
    d["short"] = 0.0
    if d["requests"] and d["avg_bytes"] < SHORT * d["expect"]:
        d["short"] = max(1.0, round(d["requests"] * (1 - d["avg_bytes"] / d["expect"])))
    d["errors"] = d["status"] + d["socket"] + d["short"]
    return d


def main(path):
    meta, rows, statics = {}, [], {}
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            kind = cols[0]
            if kind == "#meta":
                for kv in cols[1:]:
                    k, _, v = kv.partition("=")
                    meta[k] = v
            elif kind == "skip":
                rows.append({"kind": "skip", "url": cols[1], "status": cols[2]})
            elif kind == "page":
                rows.append({"kind": "page", "url": cols[1], "bytes": int(cols[3]), "enc": cols[4],
                             "static": cols[5], "f": figures(cols[6:])})
            elif kind == "static":
                statics[cols[1]] = {"bytes": int(cols[3]), "enc": cols[4], "f": figures(cols[5:])}

    print()
    print(f"P3 on {meta.get('database', 'sqlite')}: pages and APIs at national scale, each against the static-file route serving a")
    print("response of about the same size, same server, same run")
    print(f"  wrk -t{meta.get('threads')} -c{meta.get('connections')} -d{meta.get('duration')} --latency "
          f"-H 'Accept-Encoding: gzip' (after a {meta.get('warmup')} warm-up), server {meta.get('base')}")
    if meta.get("demo"):
        print(f"  demo data: {meta['demo'].replace('=', ' ')}")
    print(f"  target: p50 <= {P50_MS:g} ms, p99 <= {P99_MS:g} ms, 0 errors (non-2xx or socket); "
          + ", ".join(f"{p} >= {r:g} req/s" for p, r in MIN_RPS.items()))
    print()

    labels = [r["url"] for r in rows] + ["  static " + r["static"] for r in rows if r["kind"] == "page"]
    w = max([len(l) for l in labels] + [20])
    head = f"{'route':<{w}}  {'bytes':>8}  {'enc':<8}  {'req/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  {'errors':>6}  {'p50/static':>10}  verdict"
    print(head)
    print("-" * len(head))
    notes, counts = [], {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for r in rows:
        if r["kind"] == "skip":
            counts["SKIP"] += 1
            print(f"{r['url']:<{w}}  {'answers ' + r['status'] + ', not measured':<64}  SKIP")
            continue
        f, s = r["f"], statics[r["static"]]
        sf = s["f"]
        ratio = f["p50_us"] / sf["p50_us"] if sf["p50_us"] else math.inf
        why = []
        if f["p50_ms"] > P50_MS:
            why.append(f"p50 {f['p50_ms']:.2f} ms > {P50_MS:g}")
        if f["p99_ms"] > P99_MS:
            why.append(f"p99 {f['p99_ms']:.2f} ms > {P99_MS:g}")
        if f["errors"]:
            why.append(f"{f['errors']:.0f} errors (status >= 400: {f['status']:.0f}; socket: connect {f['connect']:.0f}, "
                       f"read {f['read']:.0f}, write {f['write']:.0f}, timeout {f['timeout']:.0f}; "
                       f"short answers, e.g. redirects: ~{f['short']:.0f}, averaging {f['avg_bytes']:.0f} "
                       f"of {f['expect']:.0f} bytes)")
        if f["after"] != 200:
            why.append(f"answered {f['after']:.0f} when asked again after the run")
        floor = MIN_RPS.get(r["url"].split("?")[0])
        if floor is not None and f["rps"] < floor:
            why.append(f"{f['rps']:.0f} req/s < {floor:g}")
        verdict = "FAIL" if why else "PASS"
        counts[verdict] += 1
        if why:
            notes.append(f"{r['url']}: FAIL: " + "; ".join(why))
        if sf["errors"] or sf["after"] != 200:
            notes.append(f"{r['static']}: the static baseline itself had {sf['errors']:.0f} errors")
        big, small = max(s["bytes"], r["bytes"], 1), max(min(s["bytes"], r["bytes"]), 1)
        if big / small > SIMILAR:
            notes.append(f"{r['url']}: the server has no static file of similar size ({r['bytes']} bytes); "
                         f"the closest is {r['static']} at {s['bytes']} bytes")
        print(f"{r['url']:<{w}}  {r['bytes']:>8}  {r['enc']:<8}  {f['rps']:>8.0f}  {f['p50_ms']:>7.2f}  "
              f"{f['p99_ms']:>7.2f}  {f['errors']:>6.0f}  {ratio:>9.1f}x  {verdict}")
        print(f"{'  static ' + r['static']:<{w}}  {s['bytes']:>8}  {s['enc']:<8}  {sf['rps']:>8.0f}  "
              f"{sf['p50_ms']:>7.2f}  {sf['p99_ms']:>7.2f}  {sf['errors']:>6.0f}")
    print("-" * len(head))
    print(f"{counts['PASS']} PASS, {counts['FAIL']} FAIL, {counts['SKIP']} skipped (not 200 yet)")
    for n in notes:
        print("  - " + n)
    print()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench-http-report.py RESULTS.tsv")
    main(sys.argv[1])
