#!/usr/bin/env python3
"""Turns the raw data of bench/run and bench/soak into markdown, and writes one delimited section
of bench/RESULTS.md without touching the others.

  report.py run WORKDIR                    -> markdown of bench/run on stdout
  report.py soak WORKDIR                   -> markdown of bench/soak on stdout
  report.py write-section FILE NAME MDFILE -> replaces <!-- section:NAME --> ... <!-- /section:NAME -->
"""
import json
import os
import re
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gc_alloc  # noqa: E402  (lib/gc_alloc.py, next to this file)

PATHS = ["direct", "router", "nginx"]
PRIMARY = "bench-primary"


def env_file(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def bench_fields(line):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([-\d.]+)", line)}


def ms(us):
    return us / 1000.0


def fmt_ms(us):
    v = ms(us)
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"


def met(ok):
    return "**met**" if ok else "**not met**"


def machine_block(work):
    m = env_file(os.path.join(work, "machine.env"))
    rows = [
        ("date (UTC)", m.get("date", "")),
        ("machine", f"{m.get('nproc', '?')} CPUs ({m.get('cpu', '?')}), {m.get('mem', '?')} memory, Linux {m.get('kernel', '?')}"),
        ("java", m.get("java", "")),
        ("wrk / nginx", f"{m.get('wrk', '')} / nginx {m.get('nginx', '')}"),
        ("code", f"commit {m.get('commit', '?')}, router.jar built {m.get('router_jar', '?')}"),
        ("router JVM", f"`{m.get('router_java_opts', '')}` (the Helm chart's router.javaOpts, sized for its 768Mi limit)"),
        ("router arguments", f"`{m.get('router_args') or '(defaults)'}`"),
        ("wrk", f"1 thread, {'pinned to CPU ' + m['wrk_cpus'] if m.get('wrk_cpus', 'unpinned') != 'unpinned' else 'not pinned'}"),
    ]
    out = ["| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
CLK_TCK = 100


def overhead_tables(work):
    global CLK_TCK
    CLK_TCK = float(env_file(os.path.join(work, "machine.env")).get("clk_tck", 100) or 100)
    path = os.path.join(work, "overhead.tsv")
    if not os.path.exists(path):
        return "", {}
    runs = defaultdict(list)  # (up, conns, path) -> [fields]
    for line in open(path):
        up, c, p, rep, rest = line.rstrip("\n").split("\t", 4)
        runs[(up, int(c), p)].append(bench_fields(rest))
    med = {}
    for key, lst in runs.items():
        f = {}
        for k in ("p50_us", "p99_us", "p999_us", "max_us"):
            f[k] = statistics.median(x.get(k, 0) for x in lst)
        rps = [x.get("requests", 0) / (x.get("duration_us", 1) / 1e6) for x in lst]
        f["rps"] = statistics.median(rps)
        f["rps_min"], f["rps_max"] = min(rps), max(rps)
        cpu = [x["cpu_ticks"] / CLK_TCK * 1e6 / x["requests"] for x in lst if x.get("cpu_ticks") is not None and x.get("requests")]
        f["cpu_us"] = statistics.median(cpu) if cpu else None
        f["errors"] = sum(x.get(k, 0) for x in lst for k in ("connect", "read", "write", "status", "timeout"))
        f["bytes_per_req"] = None
        if key[2] == "router":  # the router's GC log: bytes it allocated per answered request
            gcs = gc_alloc.collections(os.path.join(work, ("router" if key[0] == "mock" else "router-static") + "-gc.log"))
            per = [gc_alloc.bytes_per_request(gcs, int(x["t0_ms"]), int(x["t1_ms"]), int(x.get("requests", 0)))
                   for x in lst if "t0_ms" in x]
            per = [b for b in per if b is not None]
            f["bytes_per_req"] = statistics.median(per) if per else None
        f["n"] = len(lst)
        med[key] = f
    out = []
    ups = [u for u in ("mock", "static") if any(k[0] == u for k in med)]
    names = {"mock": "mock region (Netty, inference delay 0)", "static": "nginx returning fixed JSON"}
    for up in ups:
        out.append(f"#### Upstream: {names[up]}\n")
        out.append("| connections | path | req/s (median, min-max) | vs direct | p50 ms | p99 ms | p99.9 ms | added p50 ms | added p99 ms | CPU µs/req | bytes/req (GC log) | errors |")
        out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for c in sorted({k[1] for k in med if k[0] == up}):
            d = med.get((up, c, "direct"))
            for p in PATHS:
                f = med.get((up, c, p))
                if not f:
                    continue
                ratio = f"{f['rps'] / d['rps'] * 100:.0f} %" if d and d["rps"] else "-"
                cpu = "%.0f" % f["cpu_us"] if f.get("cpu_us") is not None else "-"
                alloc = f"{f['bytes_per_req']:,.0f}" if f.get("bytes_per_req") is not None else "-"
                a50 = f"{ms(f['p50_us'] - d['p50_us']):+.2f}" if d and p != "direct" else ""
                a99 = f"{ms(f['p99_us'] - d['p99_us']):+.2f}" if d and p != "direct" else ""
                out.append(f"| {c} | {p} | {f['rps']:,.0f} ({f['rps_min']:,.0f}-{f['rps_max']:,.0f}) | {ratio} | "
                           f"{fmt_ms(f['p50_us'])} | {fmt_ms(f['p99_us'])} | {fmt_ms(f['p999_us'])} | {a50} | {a99} | {cpu} | {alloc} | {int(f['errors'])} |")
        out.append("")
    return "\n".join(out), med


def rss_figures(work):
    path = os.path.join(work, "rss.txt")
    if not os.path.exists(path):
        return None
    at256, allr = [], []
    idle = None
    for line in open(path):
        parts = line.split()
        if len(parts) < 6:
            continue
        rss, hwm, thr, fds = (int(x) for x in parts[-4:])
        if rss == 0:
            continue
        phase = parts[1:-4]
        allr.append((rss, hwm, thr, fds))
        if idle is None:
            idle = rss
        if phase[:1] == ["run"] and len(phase) >= 4 and phase[1] == "mock" and phase[2] == "256" and phase[3] == "router":
            at256.append((rss, hwm, thr, fds))
    if not allr:
        return None
    return {
        "idle_mib": idle / 1024,
        "max256_mib": max(r[0] for r in at256) / 1024 if at256 else None,
        "hwm_mib": max(r[1] for r in allr) / 1024,
        "threads256": max(r[2] for r in at256) if at256 else None,
        "fds256": max(r[3] for r in at256) if at256 else None,
        "threads_max": max(r[2] for r in allr),
    }


# ---------------------------------------------------------------------------------------------
def mock_attempts(sample_json):
    """(all requests, requests that met the fault: anything but a 200) on /v1/inference."""
    try:
        d = json.loads(sample_json)
    except ValueError:
        return None
    by = d.get("requests", {}).get("/v1/inference", {})
    return sum(int(v) for v in by.values()), sum(int(v) for k, v in by.items() if k != "200")


def failover_one(d, target, scenario):
    meta = env_file(os.path.join(d, "meta.env"))
    t0, tf, tr = int(meta["t0"]), int(meta["tf"]), int(meta["tr"])
    rf, rr = tf - t0, tr - t0
    bench = {}
    if os.path.exists(os.path.join(d, "bench.txt")):
        bench = bench_fields(open(os.path.join(d, "bench.txt")).read())
    buckets = defaultdict(lambda: defaultdict(int))  # bucket -> region -> 2xx count
    totals = defaultdict(int)
    non2xx = defaultdict(int)
    responses = 0
    for line in open(os.path.join(d, "buckets.tsv")) if os.path.exists(os.path.join(d, "buckets.tsv")) else []:
        b, region, status, n = line.rstrip("\n").split("\t")
        b, status, n = int(b), int(status), int(n)
        responses += n
        totals[b] += n
        if 200 <= status < 300:
            buckets[b][region] += n
        else:
            non2xx[status] += n
    sock = int(bench.get("connect", 0) + bench.get("read", 0) + bench.get("write", 0))
    slow = int(bench.get("timeout", 0))
    failed = sum(non2xx.values()) + sock + slow
    # pre-fault: from 1 s in (warm connections) to the fault
    pre = [b for b in totals if 1000 <= b < rf - 100]
    pre_rate = sum(totals[b] for b in pre) / (len(pre) / 10) if pre else 0
    pre_primary = sum(buckets[b].get(PRIMARY, 0) for b in pre)
    pre_ok = sum(sum(buckets[b].values()) for b in pre)
    # stall: whole seconds after the fault with under half the pre-fault throughput
    stall = 0
    end = max(totals) if totals else rf
    s = rf
    while s + 1000 <= end:
        n = sum(totals.get(b, 0) for b in range(s - s % 100, s + 1000, 100))
        if pre_rate and n < 0.5 * pre_rate:
            stall += 1
        s += 1000
    # back: first 100 ms bucket from the recovery on where the primary serves most 2xx answers
    back = None
    for b in sorted(buckets):
        if b + 100 <= rr:
            continue
        ok = sum(buckets[b].values())
        if ok and buckets[b].get(PRIMARY, 0) > ok / 2:
            back = max(0, b - rr) / 1000
            break
    back_txt = f"{back:.1f} s" if back is not None else None
    if back is None:
        fb = meta.get("followup_back_ms", "")
        if fb and fb != "none":
            back = int(fb) / 1000
            back_txt = f"{back:.1f} s (after the run)"
        else:
            back_txt = f"> {meta.get('followup_limit_s', '?')} s"
    # attempts reaching the primary: its own counters (hang, 503, 429), or the router's (killed)
    series = []
    for line in open(os.path.join(d, "samples.tsv")) if os.path.exists(os.path.join(d, "samples.tsv")) else []:
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 3:
            continue
        ts = int(parts[0]) - t0
        if scenario != "kill" and parts[1] == "mock":
            v = mock_attempts(parts[2])
            if v is not None:
                # the primary's counters were reset before the run: all its non-200 answers met the fault
                series.append((ts, v[1], v[0]))
        elif scenario == "kill" and parts[1] == "prom" and f'region="{PRIMARY}"' in parts[2]:
            series.append((ts, float(parts[2].rsplit(" ", 1)[1]), parts[2]))
    if scenario == "kill":
        agg = defaultdict(float)
        for ts, v, _ in series:
            agg[ts] += v
        series = [(ts, v, v) for ts, v in sorted(agg.items())]
    leave_txt, during = "n/a", None
    if len(series) >= 3:
        series.sort()
        pre_s = [x for x in series if 1000 <= x[0] < rf]
        rate = (pre_s[-1][2] - pre_s[0][2]) / ((pre_s[-1][0] - pre_s[0][0]) / 1000) if len(pre_s) >= 2 and pre_s[-1][0] > pre_s[0][0] else 0
        in_fault = [x for x in series if x[0] >= rf and x[0] <= rr]
        before = [x for x in series if x[0] < rf]
        last_busy = None
        prev = before[-1] if before else None
        for x in in_fault:
            if prev is not None:
                dt = (x[0] - prev[0]) / 1000
                if x[1] - prev[1] > max(2, 0.01 * rate * dt):
                    last_busy = x[0]
            prev = x
        if in_fault:
            # the primary's own counters were reset before the run (nothing met a fault before it): base 0
            base = (before[-1][1] if before else in_fault[0][1]) if scenario == "kill" else 0
            during = int(in_fault[-1][1] - base)
            leave_txt = f"{max(0, last_busy - rf) / 1000:.1f} s" if last_busy is not None else "< 0.2 s"
    return {
        "target": target, "scenario": scenario, "responses": responses, "failed": failed,
        "non2xx": dict(non2xx), "sock": sock, "slow": slow, "pct": (failed / responses * 100) if responses else 0,
        "pre_share": (pre_primary / pre_ok * 100) if pre_ok else 0, "leave": leave_txt, "during": during,
        "back": back, "back_txt": back_txt, "stall": stall, "p99": bench.get("p99_us"), "max": bench.get("max_us"),
        "pre_rate": pre_rate,
        # a hang pins requests for the per-try timeout: those still pinned when wrk stops at 20 s are never
        # seen by it; counted here as failed (each took longer than 2 s), whatever became of them
        "failed_hang": failed + max(0, (during or 0) - slow) if scenario == "hang" else failed,
    }


def failover_tables(work):
    base = os.path.join(work, "failover")
    if not os.path.isdir(base):
        return "", []
    order = ["kill", "hang", "down", "rate-limited"]
    labels = {"kill": "(a) killed (kill -9)", "hang": "(b) hangs", "down": "(c) answers 503", "rate-limited": "(d) 429 + Retry-After: 2"}
    res = []
    for target in ("router", "nginx"):
        for sc in order:
            d = os.path.join(base, f"{target}-{sc}")
            if os.path.exists(os.path.join(d, "meta.env")):
                res.append(failover_one(d, target, sc))
    out = ["| through | primary | responses | failed (non-2xx / socket / > 2 s) | failed % | target | on primary before | attempts on primary during fault | traffic left primary after | back after recovery | target (<= 10 s) | s under half throughput | p99 ms | max ms |",
           "|---|---|---:|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    for r in res:
        limit = 0.1 if r["scenario"] == "hang" else 0.0
        hang_pct = r["failed_hang"] / r["responses"] * 100 if r["responses"] else 0
        ok = hang_pct < limit if limit else r["failed"] == 0
        tgt = f"{'< 0.1 %' if limit else '0'}: {met(ok)}"
        back_ok = r["back"] is not None and r["back"] <= 10
        n2 = ", ".join(f"{k}: {v}" for k, v in sorted(r["non2xx"].items())) or "0"
        out.append(f"| {r['target']} | {labels[r['scenario']]} | {r['responses']:,} | {r['failed']} ({n2} / {r['sock']} / {r['slow']}) | "
                   f"{r['pct']:.3f} | {tgt} | {r['pre_share']:.0f} % | {r['during'] if r['during'] is not None else 'n/a'} | {r['leave']} | {r['back_txt']} | {met(back_ok)} | {r['stall']} | "
                   f"{fmt_ms(r['p99']) if r['p99'] is not None else '-'} | {fmt_ms(r['max']) if r['max'] is not None else '-'} |")
    return "\n".join(out), res


def run_report(work):
    params = open(os.path.join(work, "params.txt")).read() if os.path.exists(os.path.join(work, "params.txt")) else ""
    p = dict(re.findall(r"(\w+)=(\S+)", params))
    mode = p.get("mode", "?")
    out = [f"## bench/run ({mode})\n", machine_block(work), ""]
    if mode == "quick":
        out.append("_Quick mode: one repetition of 3 s per cell, mock upstream only, no nginx failover. Indicative; run `bench/run` for the figures of record._\n")
    ov, med = overhead_tables(work)
    rss = rss_figures(work)
    if ov:
        out.append("### 1. Overhead: POST /v1/inference, closed loop (wrk, 1 thread)\n")
        out.append(f"Each cell: median of {p.get('reps', '?')} wrk runs of {p.get('dur', '?')} s, runs interleaved "
                   "(direct, router, nginx, direct, ...) so that the machine's drift hits all three alike. "
                   "`vs direct` is the throughput ratio; `added` is the latency minus direct's at the same connection count. "
                   "`CPU µs/req`: CPU time (user + system) of the process under test per answered request: the upstream's "
                   "for direct, the proxy's own (router, or nginx's master and workers) for the others; it is far less "
                   "sensitive to a busy machine than req/s.\n")
        out.append(ov)
    targets = []
    d64, r64, n64 = (med.get(("mock", 64, x)) for x in PATHS)
    if d64 and r64:
        ratio = r64["rps"] / d64["rps"] * 100
        targets.append(("router throughput >= 50 % of direct at 64 connections (mock upstream)", f"{ratio:.0f} %", met(ratio >= 50)))
        s64 = med.get(("static", 64, "router")), med.get(("static", 64, "direct"))
        if all(s64):
            sr = s64[0]["rps"] / s64[1]["rps"] * 100
            targets.append(("... same, nginx-static upstream", f"{sr:.0f} %", met(sr >= 50)))
        a50 = ms(r64["p50_us"] - d64["p50_us"])
        a99 = ms(r64["p99_us"] - d64["p99_us"])
        targets.append(("p50 added < 1 ms at 64 connections", f"{a50:+.2f} ms", met(a50 < 1)))
        targets.append(("p99 added < 5 ms at 64 connections", f"{a99:+.2f} ms", met(a99 < 5) + (" (direct's own p99 is scheduling noise at this load: see the 1-connection row)" if a99 < 0 else "")))
        d1, r1 = med.get(("mock", 1, "direct")), med.get(("mock", 1, "router"))
        if d1 and r1:
            targets.append(("(for reference) p50 added at 1 connection, no queueing", f"{ms(r1['p50_us'] - d1['p50_us']):+.3f} ms", met(ms(r1['p50_us'] - d1['p50_us']) < 1)))
            targets.append(("(for reference) p99 added at 1 connection", f"{ms(r1['p99_us'] - d1['p99_us']):+.2f} ms", met(ms(r1['p99_us'] - d1['p99_us']) < 5)))
        if n64:
            targets.append(("router p99 <= nginx p99 at 64 connections", f"{fmt_ms(r64['p99_us'])} vs {fmt_ms(n64['p99_us'])} ms", met(r64["p99_us"] <= n64["p99_us"])))
            for c in (16, 256):
                rc, nc = med.get(("mock", c, "router")), med.get(("mock", c, "nginx"))
                if rc and nc:
                    targets.append((f"... at {c} connections", f"{fmt_ms(rc['p99_us'])} vs {fmt_ms(nc['p99_us'])} ms", met(rc["p99_us"] <= nc["p99_us"])))
            targets.append(("(for reference) router throughput vs nginx at 64 connections", f"{r64['rps'] / n64['rps'] * 100:.0f} %", ""))
    if rss and rss.get("max256_mib") is not None:
        targets.append(("router RSS < 300 MiB at 256 connections", f"{rss['max256_mib']:.0f} MiB (VmRSS max); VmHWM {rss['hwm_mib']:.0f} MiB", met(rss["max256_mib"] < 300)))
    if rss:
        out.append("### 3. Router memory and threads under load\n")
        out.append("| figure | value |\n|---|---:|")
        out.append(f"| VmRSS after start, before load | {rss['idle_mib']:.0f} MiB |")
        if rss.get("max256_mib") is not None:
            out.append(f"| VmRSS, max during the 256-connection runs | {rss['max256_mib']:.0f} MiB |")
            out.append(f"| threads / open fds, max during the 256-connection runs | {rss['threads256']} / {rss['fds256']} |")
        out.append(f"| VmHWM (peak RSS) over the whole overhead phase | {rss['hwm_mib']:.0f} MiB |")
        out.append("")
    fo, res = failover_tables(work)
    if fo:
        out.append("### 2. Failover under load: 20 s at 32 connections, fault on the primary at 5 s, recovery at 12 s\n")
        out.append("Two mock regions: `bench-primary` (priority 1) and `bench-secondary` (priority 2). A fresh router "
                   "(or nginx) per scenario. Failed = non-2xx answers + socket errors + answers slower than 2 s (wrk's timeout). "
                   "`attempts on primary during fault`: requests that met the fault on the primary (its own counters: answers "
                   "other than 200, or hung; for a killed primary, the router's `regionrouter_router_attempts_total`). For a hang, "
                   "requests still pinned on the primary when wrk stops are counted as failed in the targets. `traffic left primary after`: "
                   "from the fault to the last 200 ms sample in which the primary still got more than 1 % of the pre-fault rate. "
                   "`back after recovery`: from recovery to the first 100 ms in which the primary serves most answers. "
                   "`s under half throughput`: whole seconds after the fault with less than half the pre-fault throughput.\n")
        out.append(fo)
        out.append("")
        for r in res:
            if r["scenario"] == "hang":
                hp = r["failed_hang"] / r["responses"] * 100 if r["responses"] else 0
                targets.append((f"failed requests < 0.1 % for a hanging primary ({r['target']})",
                                f"{hp:.3f} % ({r['failed_hang']}: {r['failed']} seen by wrk, plus requests still pinned on the hung primary when wrk stopped)",
                                met(hp < 0.1)))
            else:
                targets.append((f"0 failed requests, primary {r['scenario']} ({r['target']})", f"{r['failed']}", met(r["failed"] == 0)))
            targets.append((f"traffic back within 10 s of recovery, {r['scenario']} ({r['target']})", r["back_txt"], met(r["back"] is not None and r["back"] <= 10)))
    if targets:
        tgt = ["### Targets\n", "| target | figure | |", "|---|---|---|"]
        tgt += [f"| {a} | {b} | {c} |" for a, b, c in targets]
        out.insert(3, "\n".join(tgt) + "\n")
    if p.get("elapsed_s"):
        out.append(f"_Run took {p['elapsed_s']} s. Load average (1/5/15 min) at start {p.get('load_start', '?')}, "
                   f"at end {p.get('load_end', '?')}: anything above ~2 means other work shared the 2 cores._")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
def soak_report(work):
    p = env_file(os.path.join(work, "soak.env"))
    out = [f"## bench/soak ({p.get('minutes', '?')} minutes)\n", machine_block(work), ""]
    faults = []
    if os.path.exists(os.path.join(work, "faults.tsv")):
        for line in open(os.path.join(work, "faults.tsv")):
            faults.append(line.rstrip("\n").split("\t"))
    windows = []  # (start_ms, end_ms, fault)
    for i, f in enumerate(faults):
        start = int(f[0])
        end = int(faults[i + 1][0]) if i + 1 < len(faults) else 10**15
        windows.append((start, end, f[2], f[3]))  # start, end, region, fault ("none" when all are fine)
    def kind_at(ts):  # the fault in force at a time (ms)
        return next((w[3] for w in windows if w[0] <= ts < w[1]), "none")

    # responses per fault window
    per = defaultdict(lambda: defaultdict(int))
    t0 = int(p.get("t0", 0))
    total = 0
    per_second = defaultdict(int)  # answers per whole second of the run
    for line in open(os.path.join(work, "buckets.tsv")) if os.path.exists(os.path.join(work, "buckets.tsv")) else []:
        b, region, status, n = line.rstrip("\n").split("\t")
        ts, status, n = t0 + int(b), int(status), int(n)
        total += n
        per_second[int(b) // 1000] += n
        kind = kind_at(ts)
        per[kind]["all"] += n
        if not 200 <= status < 300:
            per[kind][str(status)] += n
    bench = bench_fields(open(os.path.join(work, "bench.txt")).read()) if os.path.exists(os.path.join(work, "bench.txt")) else {}
    sock = int(bench.get("connect", 0) + bench.get("read", 0) + bench.get("write", 0))
    slow = int(bench.get("timeout", 0))
    out.append(f"Seed {p.get('seed', '?')} (`bench/soak --seed {p.get('seed', '?')}` replays the fault schedule). "
               f"Traffic: wrk, {p.get('conns', '?')} connections through the router (75 % POST /v1/inference, 10 % chat "
               "completions, 10 % streamed chat completions, 5 % embeddings), three mock regions "
               f"(inference delay {p.get('delay', '?')} ms); every 30 s one random region gets a random fault "
               "(killed, hang, 503, 429, 50 % 500s) and the previous one recovers. "
               f"Socket errors over the whole soak: {sock}; answers slower than {p.get('timeout', '?')}: {slow}. "
               "A stream that a killed region breaks after its first bytes reached the caller cannot move to another "
               "region: the router cuts the caller's connection (logging \"broke the stream\"), and wrk counts a read "
               "error, outside the table below.\n")
    # seconds under half the usual throughput, per fault class: a fault that loses nothing can
    # still hold the traffic back (a hang did, for 15 s, before the router's hold check was fixed)
    last = max(per_second) if per_second else 0
    seconds = {x: kind_at(t0 + x * 1000) for x in range(1, last)}  # the first and the last second are partial
    quiet = [per_second[x] for x, kind in seconds.items() if kind == "none"]
    usual = statistics.median(quiet) if quiet else 0
    under = defaultdict(int)
    for x, kind in seconds.items():
        if per_second[x] < usual / 2:
            under[kind] += 1
    out.append(f"Usual throughput (median of the seconds with no fault in force): {usual:,.0f} answers/s.\n")
    out.append("| fault in force | faults | responses | non-2xx | lost % | target | s under half the usual throughput |")
    out.append("|---|---:|---:|---:|---:|---|---:|")
    counts = defaultdict(int)
    for w in windows:
        counts[w[3]] += 1
    for kind in sorted(per):
        r = per[kind]
        bad = sum(v for k, v in r.items() if k != "all")
        pct = bad / r["all"] * 100 if r["all"] else 0
        tgt = "< 0.1 % (hang)" if kind == "hang" else "0"
        ok = pct < 0.1 if kind == "hang" else bad == 0
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(r.items()) if k != "all")
        out.append(f"| {kind} | {counts.get(kind, 0)} | {r['all']:,} | {bad}{' (' + detail + ')' if detail else ''} | {pct:.3f} | {tgt}: {met(ok)} | {under.get(kind, 0)} |")
    out.append("")
    # resources
    res = []
    for line in open(os.path.join(work, "resources.tsv")) if os.path.exists(os.path.join(work, "resources.tsv")) else []:
        a = line.split()
        if len(a) >= 5 and int(a[1]) > 0:
            res.append((int(a[0]), int(a[1]), int(a[2]), int(a[3]), int(a[4])))
    if res:
        rt0 = res[0][0]
        warm = [r for r in res if r[0] - rt0 >= 60000] or res
        half = len(warm) // 2
        first, second = warm[:half] or warm, warm[half:] or warm
        def mib(k):
            return k / 1024
        out.append("Router process, sampled every 10 s (warm-up: the first minute).\n")
        out.append("| figure | after warm-up, first half | second half | growth | flat? |")
        out.append("|---|---:|---:|---:|---|")
        a, b = statistics.median(mib(r[1]) for r in first), statistics.median(mib(r[1]) for r in second)
        flat = (b - a) <= max(20, 0.1 * a)
        out.append(f"| VmRSS MiB (median) | {a:.0f} | {b:.0f} | {b - a:+.0f} | {'yes' if flat else '**no**'} |")
        def steady(a, b):  # a count (threads, fds) grew by no more than noise
            return 'yes' if b <= a * 1.1 + 5 else '**no**'
        a, b = max(r[3] for r in first), max(r[3] for r in second)
        out.append(f"| threads (max) | {a} | {b} | {b - a:+d} | {steady(a, b)} |")
        # a leak raises the fds a router holds whatever the fault; the fault in force moves the peak
        # (a region's idle pooled connections stay until the upstream idle timeout, its traffic
        # opens more to the others), so the peak is shown but not judged
        a, b = statistics.median(r[4] for r in first), statistics.median(r[4] for r in second)
        out.append(f"| open fds (median) | {a:.0f} | {b:.0f} | {b - a:+.0f} | {steady(a, b)} |")
        a, b = max(r[4] for r in first), max(r[4] for r in second)
        out.append(f"| open fds (max: follows the fault in force) | {a} | {b} | {b - a:+d} | |")
        out.append(f"| VmHWM MiB at the end | | {mib(res[-1][2]):.0f} | | |")
        out.append("")
        out.append("<details><summary>samples (s, VmRSS MiB, threads, fds)</summary>\n")
        out.append("| s | VmRSS MiB | threads | fds |\n|---:|---:|---:|---:|")
        for r in res:
            out.append(f"| {(r[0] - rt0) // 1000} | {mib(r[1]):.0f} | {r[3]} | {r[4]} |")
        out.append("\n</details>\n")
    if faults:
        out.append("<details><summary>fault schedule</summary>\n")
        out.append("| s | region | fault |\n|---:|---|---|")
        for f in faults:
            out.append(f"| {(int(f[0]) - t0) // 1000} | {f[2]} | {f[3] if f[1] == 'fault' else 'recovers'} |")
        out.append("\n</details>\n")
    return "\n".join(out) + "\n"


def write_section(path, name, mdfile):
    body = open(mdfile).read().strip("\n")
    start, end = f"<!-- section:{name} -->", f"<!-- /section:{name} -->"
    block = f"{start}\n{body}\n{end}"
    if os.path.exists(path):
        text = open(path).read()
    else:
        text = ("# Benchmark results\n\n"
                "Written by the scripts in `bench/` (see `bench/README.md`). Each script replaces only its own "
                "section (between `<!-- section:NAME -->` markers) and keeps the others. Figures are ratios and "
                "counts measured in one run against a baseline of the same run, on a shared, noisy 2-core machine.\n")
    if start in text and end in text:
        pre, rest = text.split(start, 1)
        _, post = rest.split(end, 1)
        text = pre + block + post
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "run":
        sys.stdout.write(run_report(sys.argv[2]))
    elif cmd == "soak":
        sys.stdout.write(soak_report(sys.argv[2]))
    elif cmd == "write-section":
        write_section(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(f"unknown command {cmd}")
