import json
from pathlib import Path

from nemovideo import AgentEvent, NemoVideo, Reply, SessionState

with NemoVideo() as client:
    session = client.create_session()
    session.upload("clip1.mp4")
    with session.send("add a title 'Summer Sale'") as turn:
        reply = turn.result()
    state = session.state()

Path("reply.json").write_text(reply.to_json(indent=2), encoding="utf-8")
again = Reply.from_dict(json.loads(Path("reply.json").read_text(encoding="utf-8")))
assert again == reply  # text, events, changes and both states come back

event = reply.events[-1].to_dict()
print(event["type"])  # events name their class: "TextEvent", "ToolCall"...
assert AgentEvent.from_dict(event) == reply.events[-1]  # ...and read back into it

saved = state.to_dict()
assert "raw" not in saved  # the service's JSON is not part of the dict form
print(SessionState.from_dict(saved).draft.summary())
