from nemovideo import NemoVideo

with NemoVideo() as client:  # NEMO_TOKEN, or an anonymous token on first need
    board = client.leaderboard(
        ["clip1.mp4", "clip2.mp4", "clip3.mp4"],
        prompt="rank these videos by engagement score and show me the top performers",
        top=2,
        output="leaderboard.mp4",
    )
print(board.table())  # rank, clip, score, and whether leaderboard.mp4 shows it
