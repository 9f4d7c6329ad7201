import anyio

from nemovideo import AsyncNemoVideo


async def main() -> None:
    async with AsyncNemoVideo() as client:
        session = await client.create_session()
        await session.upload(["clip1.mp4", "clip2.mp4"])  # files read off the event loop
        async with await session.send("rank these videos by engagement score") as turn:
            async for event in turn:
                print(type(event).__name__)  # events as they arrive
            reply = await turn.result()
        print(reply.text.splitlines()[0])
        render = await session.export()
        await render.wait()
        print(await render.download("ranked.mp4"))


anyio.run(main)
