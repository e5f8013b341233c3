"""A small, bounded HTTP/1.1 keep-alive load generator (no third-party tools needed).

Each of `processes` forked processes drives `connections` threads; each thread holds one
keep-alive connection and sends prebuilt requests back to back until the deadline. Raw sockets
keep the client's own CPU cost low: on a shared 2-core machine the client competes with the
server, and a slow client would flatten the difference between the cases being compared.
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

MAX_DURATION_SECONDS = 20.0


@dataclass
class LoadResult:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(int(q * len(ordered)), len(ordered) - 1)]

    def merge(self, other: LoadResult) -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.statuses.update(other.statuses)
        self.latencies_ms.extend(other.latencies_ms)


def build_request(host: str, port: int, path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _read_response(sock: socket.socket, buffer: bytes) -> tuple[int, bytes]:
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buffer += chunk
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
            break
    if length is None:
        raise ConnectionError("response without Content-Length")
    while len(buffer) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buffer += chunk
    return status, buffer[length:]


def _drive(
    host: str, port: int, requests: Sequence[bytes], deadline: float, out: LoadResult
) -> None:
    sock = socket.create_connection((host, port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = b""
    i = 0
    try:
        while (started := time.perf_counter()) < deadline:
            sock.sendall(requests[i % len(requests)])
            i += 1
            try:
                status, buffer = _read_response(sock, buffer)
            except (OSError, ValueError):
                out.errors += 1
                sock.close()
                sock = socket.create_connection((host, port), timeout=10)
                buffer = b""
                continue
            out.latencies_ms.append((time.perf_counter() - started) * 1000)
            out.statuses[status] += 1
            out.requests += 1
    finally:
        sock.close()


def _process_main(
    host: str, port: int, requests: Sequence[bytes], duration: float, connections: int
) -> LoadResult:
    started = time.perf_counter()
    deadline = started + duration
    results = [LoadResult() for _ in range(connections)]
    threads = [
        threading.Thread(target=_drive, args=(host, port, requests, deadline, result))
        for result in results
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = LoadResult(seconds=time.perf_counter() - started)
    for result in results:
        total.merge(result)
    return total


def run_load(
    *,
    host: str,
    port: int,
    requests: Sequence[bytes],
    duration: float,
    processes: int = 2,
    connections: int = 4,
) -> LoadResult:
    """Drive `processes * connections` keep-alive connections for `duration` seconds."""
    duration = min(duration, MAX_DURATION_SECONDS)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [
            pool.submit(_process_main, host, port, list(requests), duration, connections)
            for _ in range(processes)
        ]
        parts = [future.result(timeout=duration + 30) for future in futures]
    total = LoadResult(seconds=max(part.seconds for part in parts))
    for part in parts:
        total.merge(part)
    return total
