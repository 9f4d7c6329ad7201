from nemovideo import Draft, TrackType

data = {
    "t": [
        {"tt": 0, "sg": [{"id": "v1", "n": "city timelapse", "s": 0, "d": 10000}]},
        {"tt": 1, "n": "BGM", "sg": [{"n": "Lo-fi", "s": 0, "d": 10000, "v": 0.35}]},
        {"tt": 7, "sg": [{"tx": "Urban Dreams", "s": 0, "d": 3000, "fx": {"fade": 1}}]},
    ],
    "d": 10000,
    "m": {"title": "Urban", "width": 1920, "height": 1080},
}
draft = Draft.from_dict(data)
print(draft.summary())
# Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%)
# 3. Title: "Urban Dreams" (0-3s)
assert draft.tracks[2].type is TrackType.TEXT
assert draft.tracks[2].segments[0].text == "Urban Dreams"
assert draft.is_exportable  # at least one track with a segment
assert draft.to_dict() == data  # unknown keys ("fx") survive, exactly
with open("timeline.svg", "w", encoding="utf-8") as svg:
    svg.write(draft.to_svg())  # notebooks show it by themselves
