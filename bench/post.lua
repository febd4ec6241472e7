-- wrk script: POST a chat completion. Configure with environment variables:
--   BENCH_MODEL   model name in the body (gateway alias "bench", or "gpt-4o-mini" direct)
--   BENCH_STREAM  "1" to send "stream":true (SSE response)
--   BENCH_AUTH    optional bearer token (the simulator needs one; the gateway without master_key does not)
local model = os.getenv("BENCH_MODEL") or "bench"
local stream = os.getenv("BENCH_STREAM") == "1"
local auth = os.getenv("BENCH_AUTH")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if auth and auth ~= "" then wrk.headers["Authorization"] = "Bearer " .. auth end
wrk.body = '{"model":"' .. model .. '",' .. (stream and '"stream":true,' or '')
        .. '"messages":[{"role":"user","content":"hi"}]}'

-- Count non-2xx answers per thread so run.sh can refuse a run that "measured" errors.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + (t:get("bad") or 0) end
  io.write(string.format("BENCH_RESULT requests=%d duration_us=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, n))
end
