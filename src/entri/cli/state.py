"""`.nt3/state.json`: what `pull` last wrote to each file, so the next pull can skip files the
server has not changed (`If-None-Match` with the export's ETag) and refuse to overwrite files
changed locally since (docs/cli.md, "pull").

It is a cache of this working copy, not configuration: git-ignore `.nt3/`. A file with no entry
(never pulled here, e.g. a fresh CI checkout) is simply written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STATE_FILE = Path(".nt3") / "state.json"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Pulled:
    sha256: str
    """Of the bytes pull wrote (or found identical)."""
    etag: str | None
    request: str
    """The export asked for (language, format, namespace): an ETag is only sent back for it."""


class State:
    def __init__(self, root: Path) -> None:
        self.path = root / STATE_FILE
        self.files: dict[str, Pulled] = {}
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        for name, entry in (data.get("files") or {}).items() if isinstance(data, dict) else ():
            if isinstance(entry, dict) and isinstance(entry.get("sha256"), str):
                self.files[name] = Pulled(entry["sha256"], entry.get("etag"), str(entry.get("request", "")))

    def get(self, path: str) -> Pulled | None:
        return self.files.get(path)

    def put(self, path: str, pulled: Pulled) -> None:
        self.files[path] = pulled

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"version": 1, "files": {k: asdict(v) for k, v in sorted(self.files.items())}}
        atomic_write(self.path, (json.dumps(body, indent=2) + "\n").encode())


def atomic_write(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it over `path`: a reader
    sees the old file or the new one, never half of one. Keeps an existing file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
