"""What ``build_installers.py`` uses: the build plan per target and platform
(:mod:`.plan`), the PyInstaller specs that carry it out (``app.spec``; for the
citizen's one file ``launcher.spec``), the trimming of unused Qt and native parts
(:mod:`.slim`, :mod:`.icu`), the Windows and macOS details (:mod:`.desktop`), the
citizen's one-file launcher and its unpack-once cache (:mod:`.launcher`,
:mod:`.unpack`, packed by :mod:`.payload`) and the smoke test (:mod:`.smoke`).
Not part of the installed package; the launcher runs inside the built one file."""
