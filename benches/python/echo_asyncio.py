"""asyncio echo servers on 127.0.0.1 for the echo benchmark (benches/echo.rs).

`python3 echo_asyncio.py [streams|protocol]`: `streams` (the default) is the usual
`asyncio.start_server` echo with a reader and a writer per connection; `protocol` is the
lower-level `asyncio.Protocol` echo (callbacks, no coroutine per connection). Prints its port,
then serves until its standard input closes (the benchmark holds it open).
"""
import asyncio
import sys


async def echo(reader, writer):
    try:
        while True:
            data = await reader.read(16384)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def main(kind):
    loop = asyncio.get_running_loop()
    if kind == "protocol":
        server = await loop.create_server(EchoProtocol, "127.0.0.1", 0)
    else:
        server = await asyncio.start_server(echo, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark goes away
    server.close()


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "streams"))
