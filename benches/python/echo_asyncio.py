"""An asyncio echo server on 127.0.0.1 for the echo benchmark (benches/echo.rs).

Prints its port, then serves until its standard input closes (the benchmark holds it open).
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


async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark goes away
    server.close()


asyncio.run(main())
