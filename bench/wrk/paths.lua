-- wrk script: cycle through a file of request paths, report the run as one JSON line.
--
--   wrk -t1 -c32 -d10s --latency -s paths.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- PATHS_FILE has one path (with its query string) per line. Requests are formatted once, up
-- front, so the per-request cost in Lua is a table lookup. Headers given with -H (for example
-- If-None-Match) go on every request. done() prints a line starting "WRK_JSON " that
-- bench/wrk.py parses: counts, socket errors, status counts and latency percentiles in µs.

local requests = {}
local index = 0
local threads = {}

-- Globals, so done() can read every thread's copy through thread:get().
statuses = {}
path_count = 0

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(args[1], "r"), "cannot open " .. tostring(args[1]))
   for line in file:lines() do
      if #line > 0 then
         requests[#requests + 1] = wrk.format("GET", line)
      end
   end
   file:close()
   assert(#requests > 0, "no paths in " .. args[1])
   path_count = #requests
end

function request()
   index = index % #requests + 1
   return requests[index]
end

function response(status, headers, body)
   -- Counting every status (not only wrk's "> 399") shows a 304 run really answered 304.
   statuses[status] = (statuses[status] or 0) + 1
end

local function json_object(map)
   local parts = {}
   for key, value in pairs(map) do
      parts[#parts + 1] = string.format('"%s":%d', tostring(key), value)
   end
   return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, _)
   local counted, paths = {}, 0
   for _, thread in ipairs(threads) do
      paths = math.max(paths, thread:get("path_count") or 0)
      for status, count in pairs(thread:get("statuses") or {}) do
         counted[status] = (counted[status] or 0) + count
      end
   end
   local errors = summary.errors
   local fields = {
      string.format('"requests":%d', summary.requests),
      string.format('"duration_us":%d', summary.duration),
      string.format('"bytes":%d', summary.bytes),
      string.format('"paths":%d', paths),
      '"socket_errors":' .. json_object({
         connect = errors.connect, read = errors.read, write = errors.write,
         timeout = errors.timeout,
      }),
      string.format('"status_errors":%d', errors.status),
      '"statuses":' .. json_object(counted),
      string.format('"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d}',
         latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
         latency:percentile(99)),
   }
   io.write("WRK_JSON {" .. table.concat(fields, ",") .. "}\n")
end
