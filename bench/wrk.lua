-- One request shape per run. Sessions rotate through a file of cookies (one per line) so that each
-- POST can be a different person; the result is printed as one JSON line for bench.run.
local cookies = {}
local index = 0
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""

function init(args)
  for line in io.lines(os.getenv("BENCH_COOKIES")) do
    cookies[#cookies + 1] = line
  end
end

function request()
  index = index % #cookies + 1
  local headers = {
    ["Cookie"] = cookies[index],
    ["X-Forwarded-Proto"] = "https",
    ["Origin"] = os.getenv("BENCH_ORIGIN"),
    ["Referer"] = os.getenv("BENCH_ORIGIN") .. "/",
  }
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", nil, headers, body)
  end
  return wrk.format("GET", nil, headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "socket_errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
