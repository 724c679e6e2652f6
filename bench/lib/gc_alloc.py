"""Bytes the JVM allocated per answered request, from its GC log (-Xlog:gc:file=F:timemillis).

Between two young collections the heap grows by what the program allocated: before(GC k) -
after(GC k-1). Summed over the collections inside a run's window and divided by the time between the
first and the last of them, that is the allocation rate; divided by the run's request rate, bytes
per request. A window needs two collections or more (else no figure): run long enough for that.
"""
import re
import sys

LINE = re.compile(r"^\[(\d+)ms\] GC\(\d+\) Pause Young .*? (\d+)([KMG])->(\d+)([KMG])\(")
UNIT = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def collections(path):
    """[(epoch_ms, bytes before, bytes after)] of the young collections in the log."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                m = LINE.match(line)
                if m:
                    out.append((int(m.group(1)), int(m.group(2)) * UNIT[m.group(3)],
                                int(m.group(4)) * UNIT[m.group(5)]))
    except FileNotFoundError:
        pass
    return out


def bytes_per_request(gcs, t0_ms, t1_ms, requests):
    """Allocation per request over [t0, t1] with that many requests answered; None if unknown."""
    inside = [g for g in gcs if t0_ms <= g[0] <= t1_ms]
    if len(inside) < 2 or requests <= 0 or t1_ms <= t0_ms:
        return None
    allocated = sum(inside[k][1] - inside[k - 1][2] for k in range(1, len(inside)))
    span_ms = inside[-1][0] - inside[0][0]
    if span_ms <= 0:
        return None
    rate = allocated / span_ms  # bytes per ms
    return rate / (requests / (t1_ms - t0_ms))


if __name__ == "__main__":  # gc_alloc.py GC_LOG T0_MS T1_MS REQUESTS
    b = bytes_per_request(collections(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    print("n/a" if b is None else f"{b:.0f}")
