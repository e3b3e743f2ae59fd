"""An open-loop load generator for the publication morning (bench.run starts it as its own process).

    python bench/campaign.py spec.json results.json

wrk sends the next request when the previous one is answered: a slow server gets fewer requests,
and the latencies it reports hide the wait of everyone who could not get in (coordinated omission).
People on a publication morning do not wait for each other. Here every journey (one person's
requests in a row, e.g. the acknowledgement POST and the page it redirects to) starts at the moment
the schedule says, whether the server has answered the others or not, and the latency of its first
request counts from that moment: a server that falls behind shows it in every later request.

The spec (JSON): {"host", "port", "origin", "workers", "journeys": [{"at": seconds from the start,
"steps": [{"page", "method", "path", "cookie", "body", "expect": [status, ...], "contains",
"lacks"}]}]}. `contains` / `lacks`: a text the answer must (not) contain, to check that a person sees
their own state. Writes per page: the latencies in ms, the statuses and the failed checks.

No Django here: the process stays small, so its own pauses (a garbage collection over the
benchmark's plan of a city) never show up as server latency.
"""

import http.client
import json
import sys
import threading
import time


def run(spec: dict) -> dict:
    journeys = sorted(spec["journeys"], key=lambda journey: journey["at"])
    lock = threading.Lock()
    cursor = iter(range(len(journeys)))
    records = []  # (page, latency ms, status, problem or "")
    start = time.monotonic() + 0.5

    def next_journey():
        with lock:
            return next(cursor, None)

    def send(connection, step):
        headers = {
            "Cookie": step["cookie"],
            "X-Forwarded-Proto": "https",
            "Origin": spec["origin"],
            "Referer": spec["origin"] + "/",
        }
        if step["method"] == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(step["method"], step["path"], body=step.get("body") or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()

    def worker():
        while (index := next_journey()) is not None:
            journey = journeys[index]
            due = start + journey["at"]
            if (delay := due - time.monotonic()) > 0:
                time.sleep(delay)
            connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=120)
            for number, step in enumerate(journey["steps"]):
                sent = time.monotonic()
                problem = ""
                try:
                    status, body = send(connection, step)
                except (OSError, http.client.HTTPException) as error:
                    status, body, problem = 0, b"", f"{type(error).__name__}: {error}"
                    connection.close()
                    connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=120)
                finished = time.monotonic()
                if not problem and status not in step["expect"]:
                    problem = f"status {status}"
                elif not problem and step.get("contains") and step["contains"].encode() not in body:
                    problem = f"missing {step['contains']!r}"
                elif not problem and step.get("lacks") and step["lacks"].encode() in body:
                    problem = f"unexpected {step['lacks']!r}"
                # The first request counts from its scheduled moment; the next ones follow at once.
                began = due if number == 0 else sent
                with lock:
                    records.append((step["page"], (finished - began) * 1000, status, problem))
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(spec["workers"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    pages: dict = {}
    for page, latency, status, problem in records:
        entry = pages.setdefault(page, {"latencies_ms": [], "statuses": {}, "problems": []})
        entry["latencies_ms"].append(round(latency, 2))
        entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
        if problem:
            entry["problems"].append(problem)
    return {"elapsed_s": round(elapsed, 2), "pages": pages}


def main() -> int:
    spec_file, result_file = sys.argv[1:3]
    with open(spec_file, encoding="utf-8") as stream:
        spec = json.load(stream)
    result = run(spec)
    with open(result_file, "w", encoding="utf-8") as stream:
        json.dump(result, stream)
    return 0


if __name__ == "__main__":
    sys.exit(main())
