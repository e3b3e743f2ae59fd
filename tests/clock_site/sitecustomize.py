"""Puts a process started by a test on the test's clock (tests/conftest.py, `clock_environment`).

A test runs at TEST_NOW, not the real time; the mail workers and the schedule runner it starts are
other Python processes. They find this folder on PYTHONPATH, and TEST_CLOCK_OFFSET (seconds between
the test's clock and the real one) in their environment: Python imports this module at start-up
and runs the process's clock that far from the real one, ticking, as the test's own clock does.
Their own child processes inherit both and keep the same time.
"""

import os

_offset = os.environ.get("TEST_CLOCK_OFFSET")
if _offset:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_offset), tick=True).start()
    time.time()  # time-machine's clock starts ticking when first read: now, not after Django's start-up
