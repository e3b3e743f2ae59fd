"""Many requests or job runs at the same moment, as on several app servers (PostgreSQL tests)."""

import threading

from django.db import connection


def at_once(act, times: int, *, prepare=None) -> list:
    """Runs `act` in `times` threads released together, each on its own database connection, and
    returns what they raised (empty: none failed). `prepare`, when given, runs in each thread before
    the release (a sign-in, say) and its result is handed to `act`."""
    barrier = threading.Barrier(times)
    errors = []

    def run():
        try:
            if prepare is None:
                barrier.wait()
                act()
            else:
                prepared = prepare()
                barrier.wait()
                act(prepared)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
