"""The routes of the emulated API, one module per resource of ``protocol.md``.

``accounts`` (E1, E2, E6), ``sessions`` (E3, E7), ``conversation`` (E4), ``uploads``
(E5), ``renders`` (E8-E10), ``cdn`` (the files' host) and ``control`` (``/_emulator/``).
:func:`nemovideo.emulator.app.create_app` puts them together.
"""
