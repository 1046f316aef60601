"""`mutakhir serve`: a flood of slow or idle clients cannot hold every connection of the server for long;
its worker ends with it, even when the server is killed.

A real waitress server (its own process, loopback only) with 4 connections allowed and a 2-second channel
timeout: four clients that send half a request and then nothing fill it, so a fifth is not served; the
server closes the silent four after the timeout, and the fifth gets its answer.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mutakhir.core.management.commands.serve import waitress_options

REQUEST = b"GET /no-such-page/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


def test_the_limits_come_from_the_settings(settings):
    settings.SERVE_CONNECTION_LIMIT, settings.SERVE_CHANNEL_TIMEOUT = 150, 20
    options = waitress_options(threads=8)
    assert options | {"threads": 8} == {"threads": 8, "connection_limit": 150, "channel_timeout": 20,
                                        "cleanup_interval": 10, "max_request_body_size": 501 * 2**20,
                                        "ident": "mutakhir"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(port: int, timeout: float = 5) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def answer(sock: socket.socket) -> bytes:
    try:
        return sock.recv(64)
    except TimeoutError:
        return b""


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutakhir.config.settings_test",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "MUTAKHIR_SERVE_CONNECTION_LIMIT": "4",
           "MUTAKHIR_SERVE_CHANNEL_TIMEOUT": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "mutakhir", "serve", "--no-worker", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:  # wait until it answers
        try:
            with connect(port) as probe:
                probe.sendall(REQUEST)
                if probe.recv(12).startswith(b"HTTP/1.1"):
                    break
        except OSError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()[-2000:]
        time.sleep(0.2)
    yield port
    proc.terminate()
    proc.wait(timeout=10)
    proc.stderr.close()


def test_slow_clients_fill_the_connections_for_the_channel_timeout_only(server):
    slow = [connect(server) for _ in range(4)]
    for sock in slow:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")  # ...and never the rest
    time.sleep(0.5)
    fifth = connect(server, timeout=1)  # the kernel's backlog accepts it; waitress does not read it
    fifth.sendall(REQUEST)
    assert answer(fifth) == b""  # not served while the four hold every connection
    fifth.settimeout(15)
    started = time.monotonic()
    assert answer(fifth).startswith(b"HTTP/1.1 404")  # served once the silent ones were closed
    assert time.monotonic() - started < 10
    for sock in slow:  # each was closed by the server (an empty read), without an answer
        sock.settimeout(5)
        assert sock.recv(64) == b""
        sock.close()
    fifth.close()


def post(port: int, length: int, body: bytes) -> bytes:
    """Send an anonymous POST declaring `length` bytes with `body`; return the answer (b"" when none in 10 s)."""
    with connect(port, timeout=10) as sock:
        sock.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % length + body)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return received


def test_the_server_refuses_a_body_larger_than_any_upload_before_reading_it(server):
    started = time.monotonic()
    assert post(server, 600 * 2**20, b"username=" + b"x" * 65536).startswith(b"HTTP/1.1 413")
    assert time.monotonic() - started < 5  # not after 600 MB, which were never sent


def test_a_page_refuses_a_body_over_its_own_limit_in_indonesian(server):
    body = b"username=" + b"x" * (3 * 2**20)
    answer = post(server, len(body), body)
    assert answer.startswith(b"HTTP/1.1 413")
    assert "halaman ini menerima paling besar 2,5\xa0MB".encode() in answer


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie nobody reaps counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated database and the environment of a production-like `mutakhir serve` (its worker needs tables)."""
    db = tmp_path_factory.mktemp("serve-worker") / "db.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutakhir.config.settings", "DATABASE_URL": f"sqlite:///{db}",
           "SECRET_KEY": "test-only-key-not-secret", "MUTAKHIR_HTTPS": "0", "DEBUG": "0"}
    subprocess.run([sys.executable, "-m", "mutakhir", "migrate", "-v0"], env=env, check=True, timeout=300)
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_the_worker_ends_with_the_server_however_it_is_stopped(migrated, sig):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mutakhir", "serve", "--port", str(port)], env=migrated,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (workers := children(proc.pid)) or not answers(port):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(3)  # the worker is up and polling for tasks, not dying of its own accord
        assert all(alive(pid) for pid in workers)
        proc.send_signal(sig)
        proc.wait(timeout=20)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in workers), "the worker outlived the server"
    finally:
        proc.kill()
        proc.wait()


def answers(port: int) -> bool:
    try:
        with connect(port) as probe:
            probe.sendall(REQUEST)
            return probe.recv(12).startswith(b"HTTP/1.1")
    except OSError:
        return False
