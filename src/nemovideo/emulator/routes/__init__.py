"""The routes of the emulated API, one module per resource of the service.

``accounts`` (anonymous and claim tokens, credits), ``sessions`` (create one, read its
state), ``conversation`` (``/run_sse``), ``uploads``, ``renders`` (submit, status,
fallback download), ``cdn`` (the files' host) and ``control`` (``/_emulator/``).
``create_app`` of ``nemovideo.emulator.app`` puts them together.
"""
