from nemovideo import NemoVideo, RenderTimeoutError

with NemoVideo() as client:
    session = client.create_session()
    session.upload(["clip1.mp4", "clip2.mp4"])
    session.send("rank these videos by engagement score").result()

    render = session.export(quality="high")
    saved_id = render.id  # keep it: a render can be resumed after a restart
    try:
        status = render.wait(
            timeout=600, on_progress=lambda s: print(f"{s.status} {s.progress or 0:.0f}%")
        )
    except RenderTimeoutError as error:
        print("still rendering:", error.status)
        raise

    # ... in another process, later:
    resumed = client.render(saved_id, session_id=session.session_id)
    path = resumed.download("video.mp4")  # the file appears only when complete
    print(path, path.stat().st_size)
