-- wrk script for scripts/load-reports: every request files a new report (POST /api/v1/reports) as the demo
-- administrator, with its own idempotency key, in one of the villages given in the VILLAGES environment variable.
-- The keys are random UUIDs, as the field form makes them (web/src/outbox.js), unless KEYS=ordered: then they count
-- up per thread, as an API client numbering its own requests might, and land together in the key index.
--
-- It defines no response() hook: wrk would then hand every answer's headers and body to Lua, which costs the load
-- tool more CPU than the server spends on some requests, on the same two cores. wrk counts answers other than
-- 2xx itself (summary.errors.status); scripts/load-reports checks the database afterwards.
local token = os.getenv("TOKEN")
local villages = {}
for code in string.gmatch(os.getenv("VILLAGES") or "", "[^,]+") do
  villages[#villages + 1] = code
end
local categories = { "bentrok", "politik_uang", "listrik_padam", "intimidasi", "hoaks_sara" }
local ordered = os.getenv("KEYS") == "ordered"
-- Ordered keys differ between runs (the warm-up and the measured run), so that every request files a new report.
local run = os.getenv("RUN") or tostring(os.time())

local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

-- A version 4 UUID from Lua's generator, seeded per thread and run, so that no two requests share a key.
local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%04x%08x", math.random(0, 0xffffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff), math.random(0, 0xffff), math.random(0, 0xffffffff))
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919 + #(os.getenv("RUN") or ""))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

-- MOST (optional): the most reports this thread files; past it, it asks for the health check instead, so that a
-- season of exactly so many reports can be filed (scripts/load-dashboard).
local most = tonumber(os.getenv("MOST") or "")

function request()
  if most and counter >= most then
    return wrk.format("GET", "/api/v1/health", nil, nil)
  end
  counter = counter + 1
  local village = villages[(counter % #villages) + 1]
  local category = categories[(counter % #categories) + 1]
  local key = ordered and string.format("load-%s-%d-%d", run, id, counter) or uuid()
  local body = string.format(
    '{"category":"%s","village_code":"%s","description":"Uji beban %d-%d","idempotency_key":"%s"}',
    category, village, id, counter, key)
  return wrk.format(nil, "/api/v1/reports", nil, body)
end

function done(summary, latency, requests)
  local answered = summary.requests - summary.errors.status
  io.write(string.format("answers: %d created (2xx), %d other, %d socket errors\n", answered, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("created per second: %.0f\n", answered / (summary.duration / 1e6)))
end
