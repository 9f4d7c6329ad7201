from nemovideo.intents import Intent, route, translate_gui

assert route("how many credits do I have?").intent is Intent.CREDITS
assert route("导出").intent is Intent.EXPORT
assert route("add music and export").intent is Intent.AGENT  # edits come first
print(translate_gui("Click the Export button to download your video."))
# Export it with session.export() to download your video.
print(translate_gui("Click the Export button.", cli=True, session_id="42"))
# Export it with `nemovideo export 42`.  (what a user of the command types)
