"""The mail worker (`manage.py mail_worker`): sends queued mail one delivery at a time, forever.

It outlives what goes wrong around it: a database that goes away (it waits, reconnects and goes on),
a mail server that is down (it pauses, longer each time, and retries), SIGTERM (it finishes the mail
in hand and stops). Killed outright, it leaves at most the one delivery it held, which another
worker (or itself, restarted by systemd) sends once the lease runs out. Every
MAIL_WORKER_HEARTBEAT_SECONDS it records that it is alive (`WorkerHeartbeat`), which /healthz and the
beheerder's mail overview report.
"""

import contextlib
import logging
import os
import signal
import socket
import threading
import time
import uuid

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connections
from django.utils import timezone

from jobs import sending
from jobs.models import Message, WorkerHeartbeat

logger = logging.getLogger("jobs.worker")
State = WorkerHeartbeat.State

# The longest the worker waits between two tries of an unreachable database or mail server.
LONGEST_PAUSE_SECONDS = 30


def growing_pause(failures: int) -> float:
    """1, 2, 4, 8 ... seconds, at most LONGEST_PAUSE_SECONDS (and never more than a lease)."""
    return float(min(2 ** max(failures - 1, 0), LONGEST_PAUSE_SECONDS, settings.MAIL_LEASE_SECONDS))


class Worker:
    def __init__(self, *, worker_id: str | None = None, interval: float = 1.0, once: bool = False):
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]
        self.interval = interval
        self.once = once
        self.stopping = False
        self.sent = 0
        self.state = State.STARTING
        self.started_at = timezone.now()
        self._wake = threading.Event()
        self._last_beat = 0.0
        self._server_failures = 0
        self._connection = sending.Connection()

    # --- Life cycle --------------------------------------------------------------------------------

    def stop(self, signum=None, frame=None) -> None:
        """SIGTERM, SIGINT: finish the delivery in hand, then stop."""
        self.stopping = True
        self._wake.set()

    def run(self) -> None:
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {signum: signal.signal(signum, self.stop) for signum in (signal.SIGTERM, signal.SIGINT)}
        logger.info("Mail worker %s started", self.worker_id)
        database_failures = 0
        try:
            while not self.stopping:
                try:
                    self._beat()
                    worked = self._step()
                    database_failures = 0
                except DatabaseError as error:
                    database_failures += 1
                    self._database_lost(error, database_failures)
                    continue
                if not worked:
                    if self.once:
                        break
                    self._connection.close()  # no mail server connection left open while idle
                    self._sleep(self.interval, state=State.IDLE)
        finally:
            self._connection.close()
            self._say_goodbye()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            logger.info("Mail worker %s stopped (%d sent)", self.worker_id, self.sent)

    def _step(self) -> bool:
        """Send the next due delivery, if any. Returns whether there was one."""
        # Once: each delivery due at the start, tried once (a failure moves it past the start).
        delivery = sending.claim_next(self.worker_id, due_by=self.started_at if self.once else None)
        if delivery is None:
            return False
        self.state = State.SENDING
        try:
            message = sending.message_for(delivery)
            self._connection.send(message)
        except Message.DoesNotExist:
            return True  # removed with what it was about (retention) since it was taken: nothing to send
        except DatabaseError:
            raise  # the database, not the mail: the run loop waits for it (the lease keeps the mail)
        except Exception as error:
            self._connection.close()
            fault = sending.record_failure(delivery, error, worker_id=self.worker_id)
            logger.warning("Delivery %s not sent (%s): %s", delivery.pk, fault.value, sending.describe(error))
            if fault is sending.Fault.SERVER and not self.once:
                self._server_failures += 1
                self._sleep(growing_pause(self._server_failures), state=State.MAIL_SERVER_DOWN)
            return True
        self._server_failures = 0
        self._record_sent(delivery)
        return True

    def _record_sent(self, delivery) -> None:
        """The server has the mail: record it, through a database outage if need be. Only if that
        takes longer than the lease may another worker send it again (the one mail in flight)."""
        deadline = time.monotonic() + settings.MAIL_LEASE_SECONDS
        failures = 0
        while True:
            try:
                sending.record_sent([delivery.pk])
                self.sent += 1
                return
            except DatabaseError as error:
                failures += 1
                if time.monotonic() > deadline:
                    logger.error("Delivery %s was sent but could not be recorded: it may go out twice", delivery.pk)
                    return
                self._forget_connections()
                logger.warning("Delivery %s sent; recording it waits for the database: %s", delivery.pk, error)
                self._sleep(growing_pause(failures), state=State.DATABASE_DOWN)

    # --- Outages -----------------------------------------------------------------------------------

    def _database_lost(self, error, failures: int) -> None:
        logger.warning("Database unavailable (%s); trying again", type(error).__name__)
        self._forget_connections()
        self._sleep(growing_pause(failures), state=State.DATABASE_DOWN)

    @staticmethod
    def _forget_connections() -> None:
        """Drop broken database connections: the next query opens a new one."""
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(DatabaseError):
                connection.close()

    def _sleep(self, seconds: float, *, state: "State") -> None:
        """Wait, waking for SIGTERM, and keep the heartbeat going meanwhile."""
        self.state = state
        end = time.monotonic() + seconds
        while not self.stopping:
            left = end - time.monotonic()
            if left <= 0:
                return
            self._wake.wait(min(left, settings.MAIL_WORKER_HEARTBEAT_SECONDS))
            try:
                self._beat()
            except DatabaseError:
                self._forget_connections()

    # --- Heartbeat ---------------------------------------------------------------------------------

    def _beat(self) -> None:
        if time.monotonic() - self._last_beat < settings.MAIL_WORKER_HEARTBEAT_SECONDS:
            return
        fields = {"beat_at": timezone.now(), "state": self.state, "sent": self.sent}
        if not WorkerHeartbeat.objects.filter(pk=self.worker_id).update(**fields):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=self.started_at,
                **fields,
            )
        self._last_beat = time.monotonic()

    def _say_goodbye(self) -> None:
        """A worker that stops on purpose is not "late": it leaves the list."""
        with contextlib.suppress(DatabaseError):
            WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()
