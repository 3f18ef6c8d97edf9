"""What ``build_installers.py`` uses: the build plan per target and platform
(:mod:`.plan`), the PyInstaller spec that carries it out (``app.spec``), the
trimming of unused Qt and native parts (:mod:`.slim`, :mod:`.icu`) and the Windows
and macOS details (:mod:`.desktop`).  Not part of the installed package."""
