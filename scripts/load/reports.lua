-- wrk script for scripts/load-reports: every request files a new report (POST /api/v1/reports) as the demo
-- administrator, with its own idempotency key, in one of the villages given in the VILLAGES environment variable.
local token = os.getenv("TOKEN")
-- Keys differ between runs (the warm-up and the measured run), so that every request files a new report.
local run = os.getenv("RUN") or tostring(os.time())
local villages = {}
for code in string.gmatch(os.getenv("VILLAGES") or "", "[^,]+") do
  villages[#villages + 1] = code
end
local categories = { "bentrok", "politik_uang", "listrik_padam", "intimidasi", "hoaks_sara" }

local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  threads[#threads + 1] = thread
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  created, replayed, other = 0, 0, 0
end

function request()
  counter = counter + 1
  local village = villages[(counter % #villages) + 1]
  local category = categories[(counter % #categories) + 1]
  local body = string.format(
    '{"category":"%s","village_code":"%s","description":"Uji beban %d-%d","idempotency_key":"load-%s-%d-%d"}',
    category, village, id, counter, run, id, counter)
  return wrk.format(nil, "/api/v1/reports", nil, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 200 then
    replayed = replayed + 1
  else
    other = other + 1
    if other <= 3 then
      io.stderr:write("unexpected " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local c, r, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    r = r + t:get("replayed")
    o = o + t:get("other")
  end
  io.write(string.format("answers: %d created, %d replayed, %d other\n", c, r, o))
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("created per second: %.0f\n", c / (summary.duration / 1e6)))
end
