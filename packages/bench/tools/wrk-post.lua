-- wrk script for row 5 of the benchmark harness (packages/bench/src/rows/server.ts): POSTs one JSON body back
-- to back on every connection (closed loop) and prints one JSON line from done(): request and error counts, the
-- non-2xx count and latency percentiles in µs. wrk's latency is per request: from writing the request to the end
-- of its response. wrk-paced.lua adds think time between requests on top of this script.
--
--   wrk -t1 -c1 -d5s -s wrk-post.lua URL -- BODY_FILE

local threads = {}

function setup(thread)
  thread:set("threadIndex", #threads)
  table.insert(threads, thread)
end

function fail(message)
  io.stderr:write("wrk: " .. message .. "\n")
  os.exit(2)
end

function init(args)
  local bodyFile = args[1]
  if not bodyFile then fail("expected BODY_FILE after --") end
  local f = io.open(bodyFile, "rb")
  if not f then fail("BODY_FILE: cannot open " .. bodyFile) end
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  non2xx = 0
end

-- wrk counts only status > 399 as an error; any answer outside 2xx counts here.
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format(
    '{"ok":true,"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"non2xx":%d,"latencyUs":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, bad,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
