-- wrk script for bench/load.ts. Every thread reads the paths from $BENCH_PATHS; request g of the run
-- (g = i * threads + thread index) takes path (g * 7919) mod n, so each path comes once before any comes
-- twice and neighbouring requests are far apart. With $BENCH_REQUESTS a thread stops after its share
-- and says so on stdout (the caller then ends wrk with SIGINT). With $BENCH_PAUSE_MS each connection waits
-- that long before each request (a capped, steady rate). done() prints the figures as JSON.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local threads = tonumber(os.getenv("BENCH_THREADS"))
local limit = math.ceil(tonumber(os.getenv("BENCH_REQUESTS") or "0") / threads)
local count = 0
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")

function setup(thread)
  count = count + 1
  thread:set("index", count - 1)
end

-- Requests are formatted once (init), and response() exists only when counting: without it wrk does
-- not hand every response to Lua, which would cost it more CPU than some servers spend.
local requests = {}
function init()
  for i, path in ipairs(paths) do requests[i] = wrk.format(nil, path) end
end

local sent, received = 0, 0
function request()
  local g = sent * threads + index
  sent = sent + 1
  return requests[(g * 7919) % #requests + 1]
end

if limit > 0 then
  function response()
    received = received + 1
    if received == limit then
      io.stdout:write("thread done\n")
      io.stdout:flush()
      wrk.thread:stop()
    end
  end
end

if pause > 0 then
  function delay() return pause end
end

-- wrk's own CPU: user + system clock ticks (1/100 s) of all its threads, from /proc/self/stat.
local function cpu_ticks()
  local stat = io.open("/proc/self/stat"):read("*a"):gsub("^.*%) ", "")
  local fields = {}
  for f in stat:gmatch("%S+") do fields[#fields + 1] = f end
  return tonumber(fields[12]) + tonumber(fields[13])
end

function done(summary, latency)
  local e = summary.errors
  io.stdout:write(string.format(
    'RESULT {"requests":%d,"us":%d,"p50":%d,"p99":%d,"non2xx":%d,"errors":%d,"cpuMs":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, cpu_ticks() * 10))
end
