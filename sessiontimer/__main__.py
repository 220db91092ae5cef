"""Allow ``python -m sessiontimer``.

Guarded: a reader process the review index starts (spawn / forkserver, see
review/parallel_read.py) imports this module again and must not start the app.
"""

from sessiontimer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
