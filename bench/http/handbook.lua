-- wrk script: GET the handbook of persons taken in turn from ids.txt, with a bearer token.
local ids = {}
local token = os.getenv("U5_TOKEN")
for line in io.lines(os.getenv("U5_IDS") or "ids.txt") do ids[#ids + 1] = line end
local i = 0
request = function()
  i = i % #ids + 1
  return wrk.format("GET", "/api/v1/persons/" .. ids[i] .. "/handbook", {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors_status=%d p50_ms=%.2f p99_ms=%.2f req_per_s=%.0f\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
