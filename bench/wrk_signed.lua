-- wrk script for bench/intake.py: replays pre-signed bridge requests, one file line each
-- ("timestamp<TAB>signature<TAB>body"), every thread its own share so no msg_id repeats.
-- Optional pacing: with WRK_DELAY_MS set, each connection waits that long between requests.
-- done() prints the figures bench/intake.py reads, one "name value" per line.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2])
  requests = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == id - 1 then
      local ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      local headers = {}
      headers["Content-Type"] = "application/json"
      headers["X-Timestamp"] = ts
      headers["X-Signature"] = sig
      table.insert(requests, wrk.format("POST", "/api/messages", headers, body))
    end
    i = i + 1
  end
  next_request = 0
  wrapped = 0
end

function request()
  next_request = next_request + 1
  if next_request > #requests then
    next_request = 1
    wrapped = wrapped + 1
  end
  return requests[next_request]
end

local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "")
if delay_ms then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local wrapped = 0
  for _, thread in ipairs(threads) do
    wrapped = wrapped + thread:get("wrapped")
  end
  local errors = summary.errors
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("seconds %.3f\n", summary.duration / 1e6))
  io.write(string.format("p50_ms %.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms %.3f\n", latency:percentile(99) / 1000))
  io.write(string.format("non2xx %d\n", errors.status))
  io.write(string.format("socket_errors %d\n", errors.connect + errors.read + errors.write + errors.timeout))
  io.write(string.format("wrapped %d\n", wrapped))
end
