from nemovideo import NemoVideo

with NemoVideo() as client:
    session = client.create_session()
    session.upload(["clip1.mp4", "clip2.mp4"], progress=True)  # a live bar of the bytes
    session.send("generate a video of city lights").result()

    render = session.export()
    render.wait(progress=True)  # a bar of the render's percentage
    render.download("city.mp4", progress=True)  # a bar of the bytes written
    render  # noqa: B018 - last in a cell: a player of city.mp4 in Jupyter

    # The whole leaderboard draws one bar over its stages.
    board = client.leaderboard(["clip1.mp4", "clip2.mp4", "clip3.mp4"], progress=True)
    board  # noqa: B018 - last in a cell: the ranking table and the video player

print(board.table())
