from nemovideo import NemoVideo

with NemoVideo() as client:
    print(client.credits())  # Credits(available=..., frozen=..., total=...)

    session = client.create_session(language="en")
    uploads = session.upload(["clip1.mp4", "clip2.mp4"])
    print([u.filename for u in uploads])

    reply = session.send("add a title 'Summer Sale'").result()
    print(reply.text)
    for change in reply.changes:
        print(change)  # Title added: "Summer Sale" (0-3s)

    state = session.state()
    print(state.draft.summary() if state.draft else "no timeline yet")

    render = session.export()  # refuses (NotReadyError) while the timeline is empty
    render.wait(timeout=600)
    print(render.download("summer-sale.mp4"))
