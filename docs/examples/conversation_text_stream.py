from nemovideo import NemoVideo

with NemoVideo() as client:
    session = client.create_session()
    with session.send("add a title 'Paradise Found'") as turn:
        for text in turn.text_stream:  # the reply's text, as it arrives
            print(text, end="", flush=True)
        reply = turn.result()  # the rest of the turn: tool calls, changes

    print()
    for change in reply.changes:
        print(change)
