import anyio
import httpx

from nemovideo import AsyncNemoVideo, AsyncSession


async def ask(session: AsyncSession) -> None:
    # The `async with` closes the turn even if this task fails: an open turn holds one
    # of the client's request permits until it ends or is closed.
    async with await session.send("what can you do?") as turn:
        reply = await turn.result()
    print(session.session_id, reply.text[:40])


async def main() -> None:
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=10)
    # At most 32 requests in flight (turns included) on a pool of 32 connections;
    # the others wait for a permit, and that wait is not part of `timeout`.
    async with AsyncNemoVideo(max_concurrency=32, limits=limits) as client:
        sessions = [await client.create_session() for _ in range(5)]
        async with anyio.create_task_group() as group:
            for session in sessions:
                group.start_soon(ask, session)


anyio.run(main)
