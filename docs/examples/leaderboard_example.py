from nemovideo import NemoVideo, WorkflowProgress


def show(progress: WorkflowProgress) -> None:
    print(f"{progress.stage:<12} {progress.overall:5.0%}  {progress.detail or ''}")


with NemoVideo() as client:
    board = client.leaderboard(
        ["clip1.mp4", "clip2.mp4", "clip3.mp4"],
        top=3,
        layout="grid",  # the top four side by side; "sequence" shows them in turn
        orientation="landscape",  # 1920x1080; "portrait" gives 1080x1920
        output="leaderboard.mp4",
        on_progress=show,
    )
    # The result keeps ids, not handles: re-attach to the render, now or after a restart.
    render = client.render(board.render_id, session_id=board.session_id)
    print(render.id, render.status().state)

for entry in board.entries:
    print(entry.rank, entry.clip, entry.score, sorted(entry.metrics)[:3])
print(board.video_path, board.warnings)
with open("leaderboard.json", "w", encoding="utf-8") as out:
    out.write(board.to_json())
