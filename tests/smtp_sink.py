"""A mail server on a loopback port that can fail on purpose: for the outbox tests and `make faults`.

It speaks just enough SMTP for Python's smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, no
TLS) and records every message it accepted. It can be told to:
- go down and come back (`down()`, `up()`): while down, connections are refused;
- refuse addresses (`refuse[address] = (550, "no such user")`, or 4xx for "try later");
- crash right after taking a message (`crash_after(n)`): the n+1-th message is received whole and
  recorded (as a real server may already deliver it), then the connection drops before the "250"
  and the sink goes down: the client cannot know, which is the mail "in flight" at a fault;
- hold the answer to DATA (`hold()`): a message is received, then nothing happens until `release()`;
  held messages are not recorded (as a server that never finished taking them).

As a program (for fault injection against separate processes):
    python -m tests.smtp_sink --port 2525 --record /tmp/received.jsonl
records one JSON line per accepted message ({"to": [...], "subject": ..., "message_id": ...});
SIGUSR1 takes it down, SIGUSR2 brings it back, SIGTERM stops it.
"""

import argparse
import contextlib
import email
import email.policy
import json
import signal
import socket
import socketserver
import threading
import time
from collections import Counter


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink: SmtpSink = self.server.sink
        sink._track(self.connection)
        try:
            self.reply("220 sink.test ESMTP")
            sender, recipients = None, []
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                command = line.decode("utf-8", "replace").strip()
                verb = command[:4].upper()
                if verb == "EHLO":
                    self.reply("250-sink.test")
                    self.reply("250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 sink.test")
                elif verb == "MAIL":
                    sender, recipients = command[10:].strip(), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    address = command[8:].strip().strip("<>").lower()
                    refusal = sink.refuse.get(address)
                    if refusal:
                        self.reply(f"{refusal[0]} {refusal[1]}")
                    else:
                        recipients.append(address)
                        self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    data = self._read_data()
                    if data is None:
                        return
                    if not sink._take(sender, recipients, data):
                        return  # crashed or held: the connection ends without an answer
                    self.reply("250 OK queued")
                    sender, recipients = None, []
                elif verb == "RSET":
                    sender, recipients = None, []
                    self.reply("250 OK")
                elif verb == "NOOP":
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("500 Command not recognised")
        except OSError:
            return
        finally:
            sink._untrack(self.connection)

    def finish(self):
        with contextlib.suppress(OSError):  # the sink itself cut the connection (down, crash)
            super().finish()

    def _read_data(self) -> bytes | None:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, record_path: str | None = None):
        self.host = host
        self.port = port
        self.record_path = record_path
        self.accepted: list[dict] = []
        self.refuse: dict[str, tuple[int, str]] = {}
        self._lock = threading.Lock()
        self._server = None
        self._connections: set[socket.socket] = set()
        self._crash_after: int | None = None
        self._held = threading.Event()
        self._hold = False
        self._release = threading.Event()
        self.held_messages = 0

    # --- Life ----------------------------------------------------------------------------------

    def up(self) -> "SmtpSink":
        with self._lock:
            if self._server is not None:
                return self
            for _ in range(50):  # the port of a listener closed a moment ago may still be busy
                try:
                    self._server = _Server((self.host, self.port), _Handler)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise OSError(f"port {self.port} stays busy")
            self._server.sink = self
            self.port = self._server.server_address[1]
            threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def down(self) -> None:
        """Stop listening and cut every open connection: clients get "connection refused"."""
        with self._lock:
            server, self._server = self._server, None
            connections = list(self._connections)
        if server is not None:
            server.shutdown()
            server.server_close()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            except OSError:
                pass

    @property
    def is_up(self) -> bool:
        return self._server is not None

    # --- Faults --------------------------------------------------------------------------------

    def crash_after(self, messages: int) -> None:
        """Accept `messages` more, then take one more and crash (down) before answering it."""
        self._crash_after = len(self.accepted) + messages

    def hold(self) -> None:
        self._hold = True
        self._release.clear()
        self._held.clear()

    def wait_until_held(self, timeout: float) -> bool:
        return self._held.wait(timeout)

    def release(self) -> None:
        self._hold = False
        self._release.set()

    # --- What it received ----------------------------------------------------------------------

    def received_by(self) -> Counter:
        """How many accepted messages each address received."""
        return Counter(address for message in self.accepted for address in message["to"])

    def _take(self, sender, recipients, data: bytes) -> bool:
        """Record an accepted message; False when the connection must drop without an answer."""
        if self._hold:
            self.held_messages += 1
            self._held.set()
            self._release.wait()
            return False
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        entry = {"to": sorted(recipients), "subject": str(parsed["Subject"]), "message_id": str(parsed["Message-ID"])}
        with self._lock:
            self.accepted.append(entry)
            crash = self._crash_after is not None and len(self.accepted) > self._crash_after
            if crash:
                self._crash_after = None
        if self.record_path:
            with open(self.record_path, "a", encoding="utf-8") as record:
                record.write(json.dumps(entry) + "\n")
        if crash:
            threading.Thread(target=self.down, daemon=True).start()
            return False
        return True

    def _track(self, connection) -> None:
        with self._lock:
            self._connections.add(connection)

    def _untrack(self, connection) -> None:
        with self._lock:
            self._connections.discard(connection)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--record", required=True, help="JSON lines file: one line per accepted message")
    options = parser.parse_args()
    sink = SmtpSink(options.host, options.port, record_path=options.record).up()
    stop = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: sink.down())
    signal.signal(signal.SIGUSR2, lambda *_: sink.up())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"SMTP sink on {options.host}:{sink.port}, recording to {options.record}", flush=True)
    stop.wait()
    sink.down()


if __name__ == "__main__":
    main()
