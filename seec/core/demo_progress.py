"""How far the demo region's loading has come, for the dashboard of a first `make run`.

`make run` serves as soon as the database is migrated and the demo users exist; the demo's
records (some 2,000 cases through the services) are loaded by a second process meanwhile.
That process writes its progress to a small file beside the database, which every web process
reads: no table, no cache shared between processes needed, nothing in production (seed_demo
refuses to run there).
"""

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


def progress_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-loading.json"


@dataclass(frozen=True)
class DemoProgress:
    stage: str
    done: int
    total: int
    finished: bool

    @property
    def percent(self) -> int:
        return 100 if self.finished or not self.total else min(100, self.done * 100 // self.total)


def report(stage: str, done: int, total: int, *, finished: bool = False) -> None:
    """Write the progress atomically (a reader never sees half a file)."""
    path = progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {"stage": stage, "done": done, "total": total, "finished": finished,
               "at": time.time()}  # fmt: skip
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(content))
    temporary.replace(path)


def current() -> DemoProgress | None:
    """The loading under way, or None when there is none (or it ended long ago)."""
    try:
        content = json.loads(progress_path().read_text())
    except (OSError, ValueError):
        return None
    # A finished load is worth a word for a few minutes; a dead one (no news for ten) is not.
    age = time.time() - content.get("at", 0)
    if age > (300 if content.get("finished") else 600):
        return None
    return DemoProgress(
        content.get("stage", ""),
        int(content.get("done", 0)),
        int(content.get("total", 0)),
        bool(content.get("finished")),
    )
