"""The asynchronous shell: client, sessions, renders, turns, the leaderboard.

The async modules are written by hand and the sync ones are generated from them by
``scripts/unasync.py``; what really differs between the two (waiting, locks, file
reads in threads, bounded fan-out) lives in the hand-written ``_backend`` module of each.
"""
