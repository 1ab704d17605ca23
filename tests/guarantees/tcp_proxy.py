"""A TCP proxy that can play "the broker is down" without touching the real broker.

RabbitMQ on this machine is shared with other processes, so the guarantees tests put
this proxy between a client and the broker instead of stopping it:

- `go_down()` aborts every proxied connection (both sides see a reset, as when the
  broker dies) and, until `go_up()`, closes new connections as soon as they arrive;
- `drop_connections()` aborts the current connections but keeps accepting new ones
  (a network blip, or the death of the process on the other end);
- `go_down_after(n)` goes down once `n` more bytes went upstream: a cut in the middle
  of a stream of publishes, the moment where confirms get lost.
"""

import asyncio
import contextlib


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.up = True
        self.port = 0
        self.accepted = 0
        self._trip_at: int | None = None
        self.bytes_upstream = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self.drop_connections()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def go_down(self) -> None:
        self.up = False
        self.drop_connections()

    def go_up(self) -> None:
        self.up = True

    def go_down_after(self, n_bytes: int) -> None:
        self._trip_at = self.bytes_upstream + n_bytes

    def drop_connections(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        self.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update({writer, up_writer})
        pumps = [
            asyncio.create_task(self._pump(reader, up_writer, upstream=True)),
            asyncio.create_task(self._pump(up_reader, writer, upstream=False)),
        ]
        self._tasks.update(pumps)
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # One side ended: end the other too, abruptly, like a dead peer.
            for w in (writer, up_writer):
                w.transport.abort()
                self._writers.discard(w)
            for pump in pumps:
                pump.cancel()
                self._tasks.discard(pump)

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, upstream: bool
    ) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
                if upstream:
                    self._count_upstream(len(data))

    def _count_upstream(self, n: int) -> None:
        self.bytes_upstream += n
        if self._trip_at is not None and self.bytes_upstream >= self._trip_at:
            self._trip_at = None
            self.go_down()
