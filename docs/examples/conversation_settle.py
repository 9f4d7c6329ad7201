from nemovideo import NemoVideo, TurnPolicy

policy = TurnPolicy(idle_timeout=120, heartbeat_timeout=600, turn_timeout=900)
with NemoVideo(turn_policy=policy) as client:
    session = client.create_session()
    turn = session.send(
        "generate a video of a beach at sunset",
        on_still_working=lambda seconds: print(f"still working ({seconds:.0f} s)"),
    )
    reply = turn.result()
    print(reply.describe())
    # Generation is two-stage: music and a title arrive a little later.
    added = session.wait_until_settled(since=reply.state_after, interval=2, timeout=180)
    for change in added:
        print("second stage:", change)
