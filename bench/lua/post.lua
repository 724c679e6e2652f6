-- Overhead load: POST /v1/inference with a small JSON body, constant request (wrk builds it once,
-- so the script costs nothing per request). done() prints one machine-readable line with the
-- latency percentiles wrk's --latency lacks (p99.9) and every error counter.
wrk.method = "POST"
wrk.body = '{"prompt":"Explain quantum computing in one sentence.","max_tokens":32}'
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p75_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
