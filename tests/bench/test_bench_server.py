"""The benchmark's server listens on a socket per worker (SO_REUSEPORT, bench/run.py start_server), which
would let it share its port with a server an earlier, broken run left behind: it checks the port first."""

import socket

import pytest

from bench import run


def test_a_server_still_listening_on_the_port_stops_the_benchmark():
    with socket.socket() as left_behind:
        left_behind.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        left_behind.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        left_behind.bind(("127.0.0.1", 0))
        left_behind.listen()
        port = left_behind.getsockname()[1]
        with pytest.raises(SystemExit, match=f"port {port} is in use"):
            run.port_is_free(port)
    run.port_is_free(port)  # closed: free again
