"""Socket.IO clients against real server processes (asyncio client: aiohttp transport,
so polling, the upgrade to websocket and plain websocket all work)."""

import asyncio

import socketio


async def _connect(url, namespace, auth, transports, headers):
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        url, namespaces=[namespace], auth=auth, transports=transports, headers=headers or {}, wait_timeout=10
    )
    return client


def connect_once(url, namespace="/public", auth=None, transports=None, headers=None, settle=0.5):
    """Connect, let a polling connection upgrade, and return the transport it ended on."""

    async def run():
        client = await _connect(url, namespace, auth, transports, headers)
        try:
            await asyncio.sleep(settle)
            return client.transport(), client.get_sid(namespace) is not None
        finally:
            await client.disconnect()

    return run_async(run())


def run_async(coro):
    """``asyncio.run`` in a fresh thread: Playwright's sync API keeps a loop on the main thread."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
