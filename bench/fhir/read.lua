-- wrk script of bench/fhir/read.sh: each request takes the next line of the
-- file U5_LINES (a person id, or a folded name prefix) and asks
--   U5_MODE=everything  GET /fhir/Patient/<id>/$everything
--   U5_MODE=name        GET /fhir/Patient?name=<prefix>
-- with a bearer token taken in turn from the file U5_TOKENS: one session per
-- user, many users, since a search is a bulk route whose rate is limited per
-- user (http/rate_limit.cpp). Each wrk thread starts at its own offset, so the
-- threads do not ask for the same persons in step.
local lines, tokens = {}, {}
local mode = os.getenv("U5_MODE") or "everything"
for line in io.lines(os.getenv("U5_LINES")) do lines[#lines + 1] = line end
for line in io.lines(os.getenv("U5_TOKENS")) do tokens[#tokens + 1] = line end
local i = 0
local threads = 0

setup = function(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

init = function()
  i = (offset or 0) % #lines
end

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  i = i % #lines + 1
  local path
  if mode == "name" then
    path = "/fhir/Patient?name=" .. encode(lines[i])
  else
    path = "/fhir/Patient/" .. lines[i] .. "/$everything"
  end
  local token = tokens[i % #tokens + 1]
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/fhir+json"})
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d non_2xx=%d errors=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f req_per_s=%.0f kB_per_answer=%.1f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6), summary.bytes / math.max(summary.requests, 1) / 1000))
end
