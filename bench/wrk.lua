-- One request shape per run. Sessions rotate through a file of cookies (one per line) so that each
-- POST can be a different person; the result is printed as one JSON line for bench.run.
-- BENCH_SPLIT=1: each of wrk's threads takes its own part of the file (lines 1, 1 + threads, ... for
-- the first), so that no two threads send the same person's POST; a thread that gets to the end of
-- its part starts again at its first person (a repeat, which bench.run counts apart).
local cookies = {}
local index = 0
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local threads_started = 0

function setup(thread)
  thread:set("thread_number", threads_started)
  threads_started = threads_started + 1
end

function init(args)
  local split = os.getenv("BENCH_SPLIT") == "1"
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local line_number = 0
  for line in io.lines(os.getenv("BENCH_COOKIES")) do
    if not split or line_number % threads == thread_number then
      cookies[#cookies + 1] = line
    end
    line_number = line_number + 1
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
