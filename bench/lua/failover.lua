-- Failover load: same request as post.lua, plus per-response accounting.
-- Every response is counted by status and by serving region (X-Region-Router-Region from the
-- router, else X-Mock-Region, which the mock region sets and nginx passes through), in 100 ms
-- buckets of wall-clock time since BENCH_T0 (environment, epoch ms).
-- done() writes "bucket_ms<TAB>region<TAB>status<TAB>count" lines to the file named by
-- BENCH_OUT (environment), and one BENCH summary line to stdout.
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME: the driver stamps fault times with the same clock
  return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1e6)
end

wrk.method = "POST"
wrk.body = '{"prompt":"Explain quantum computing in one sentence.","max_tokens":32}'
wrk.headers["Content-Type"] = "application/json"

-- BENCH_MIX=1 (bench/soak): a mix of endpoints instead of one request, built once and picked
-- at random per request: 75 % /v1/inference, 10 % chat completions, 10 % streamed chat
-- completions (SSE), 5 % embeddings.
-- Built in init(): wrk sets the Host header only then, and wrk.format() changes the header table
-- it is given, so each request gets its own.
local mix = nil
function init(args)
  if not os.getenv("BENCH_MIX") then return end
  local function req(path, body)
    return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
  end
  mix = {
    { 75, req("/v1/inference", wrk.body) },
    { 10, req("/v1/chat/completions", '{"model":"mock","messages":[{"role":"user","content":"Say hello"}],"max_tokens":16}') },
    { 10, req("/v1/chat/completions", '{"model":"mock","stream":true,"messages":[{"role":"user","content":"Say hello"}],"max_tokens":16}') },
    { 5, req("/v1/embeddings", '{"model":"mock","input":"hello"}') },
  }
end
if os.getenv("BENCH_MIX") then
  request = function()
    local r = math.random(100)
    for _, m in ipairs(mix) do
      if r <= m[1] then return m[2] end
      r = r - m[1]
    end
    return mix[1][2]
  end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local t0 = tonumber(os.getenv("BENCH_T0") or "") or now_ms()
local out = os.getenv("BENCH_OUT") or "/dev/null"
counts = {}

function response(status, headers, body)
  local region = headers["X-Region-Router-Region"] or headers["x-region-router-region"]
      or headers["X-Mock-Region"] or headers["x-mock-region"] or "-"
  local bucket = math.floor((now_ms() - t0) / 100) * 100
  local key = bucket .. "\t" .. region .. "\t" .. status
  counts[key] = (counts[key] or 0) + 1
end

done = function(summary, latency, requests)
  local f = io.open(out, "w")
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do f:write(k, "\t", v, "\n") end
  end
  f:close()
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p75_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
