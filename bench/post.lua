-- wrk script: POST a chat completion. Configure with environment variables:
--   BENCH_MODEL   model name in the body (gateway alias "bench", or "gpt-4o-mini" direct)
--   BENCH_STREAM  "1" to send "stream":true (SSE response)
--   BENCH_AUTH    optional bearer token (the simulator needs one; the gateway without master_key does not)
--   BENCH_DIALECT "anthropic" for an Anthropic Messages body (POST it to /v1/messages); OpenAI's chat body otherwise
--   BENCH_UNIQUE  "1" to make every request's question different (a run nonce, the thread and a counter), so that
--                 every request through a cached alias is a miss that is then stored: what a miss costs
local model = os.getenv("BENCH_MODEL") or "bench"
local stream = os.getenv("BENCH_STREAM") == "1"
local auth = os.getenv("BENCH_AUTH")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if auth and auth ~= "" then wrk.headers["Authorization"] = "Bearer " .. auth end
wrk.body = '{"model":"' .. model .. '",' .. (stream and '"stream":true,' or '')
        .. (os.getenv("BENCH_DIALECT") == "anthropic" and '"max_tokens":256,' or '')
        .. '"messages":[{"role":"user","content":"hi"}]}'

if os.getenv("BENCH_UNIQUE") == "1" then
  -- setup() runs in the main Lua state once per thread: it hands each thread its number and one nonce for the run.
  math.randomseed(os.time())
  local nonce, threads = math.random(1000000000), 0
  function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
    thread:set("nonce", nonce)
  end
  local n, head = 0, '{"model":"' .. model .. '",' .. (stream and '"stream":true,' or '') .. '"messages":[{"role":"user","content":"hi '
  function request()
    n = n + 1
    return wrk.format(nil, nil, nil, head .. nonce .. "-" .. tid .. "-" .. n .. '"}]}')
  end
end

-- No response() callback on purpose: defining one makes wrk copy every response's headers and body into Lua,
-- which costs more CPU than the simulator's whole answer. wrk itself counts status >= 400 as errors.status.
function done(summary, latency, requests)
  io.write(string.format("BENCH_RESULT requests=%d duration_us=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
