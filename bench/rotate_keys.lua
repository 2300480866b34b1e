-- wrk script: send every request with the next seeded API key (Authorization: Bearer …),
-- so the rate-limit counter of no single key becomes the bottleneck.
-- The keys are read from the file named by BENCH_KEYS_FILE, one a line.
local keys = {}
local path = os.getenv("BENCH_KEYS_FILE")
if path then
  for line in io.lines(path) do
    if #line > 0 then
      keys[#keys + 1] = line
    end
  end
end

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("counter", counter * 7)
end

function request()
  counter = counter + 1
  if #keys > 0 then
    wrk.headers["Authorization"] = "Bearer " .. keys[(counter % #keys) + 1]
  end
  return wrk.format(nil, nil)
end
