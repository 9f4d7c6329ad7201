from concurrent.futures import ProcessPoolExecutor

from nemovideo import NemoVideo, Settings

worker: NemoVideo | None = None  # this process's client, made once by the initializer


def start_worker(settings: Settings) -> None:
    global worker
    worker = NemoVideo.from_settings(settings, max_concurrency=8)


def finish_render(render_id: str, output: str) -> tuple[str, str]:
    # Ids in, plain values out: the render resumes here by its id alone.
    assert worker is not None, "the pool's initializer makes the client"
    render = worker.render(render_id)
    status = render.wait(timeout=600)
    return status.state.value, str(render.download(output))


if __name__ == "__main__":
    with NemoVideo() as client:
        session = client.create_session()
        session.upload(["clip1.mp4", "clip2.mp4"])
        # A running turn stays in the process that sent its message (it does not
        # pickle); its session and its reply do.
        with session.send("rank these videos by engagement score") as turn:
            reply = turn.result()
        render = session.export()
        settings = client.worker_settings()

    with ProcessPoolExecutor(2, initializer=start_worker, initargs=(settings,)) as pool:
        state, path = pool.submit(finish_render, render.id, "ranked.mp4").result()
    print(reply.text[:60])
    print(render.id, state, path)
