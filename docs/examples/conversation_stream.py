from nemovideo import NemoVideo, TextEvent, ToolCall

with NemoVideo() as client:
    session = client.create_session()
    with session.send("add a title 'Paradise Found'") as turn:
        for event in turn:
            if isinstance(event, TextEvent) and event.partial:
                print(event.text, end="", flush=True)  # live, piece by piece
            elif isinstance(event, ToolCall):
                print(f"\n[{event.name}]")
        reply = turn.result()

    print()
    print(reply.text)  # the final text (the partials are replaced by it)
    for change in reply.changes:  # what changed in the timeline, every turn
        print(change)  # Title added: "Paradise Found" (0-3s)
