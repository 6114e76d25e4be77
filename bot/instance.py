"""Which process this is, across its restarts: the instance id behind every inbox and outbox lease.

A lease token is "<instance>:<run>" (32 characters, the lease columns' width). A restarted process has the same
instance id and a new run, so at start-up it takes over at once whatever its dead predecessor held (the rows'
leases have not run out yet, but their holder is gone), while another live process's rows are left alone until
their lease runs out.

The id lives in a small file, one per *slot*: `<db file>.instance-<n>` next to an SQLite database, and
`$PMO_STATE_DIR` (default `~/.local/state/pmo-bot`) `/<database hash>.instance-<n>` for PostgreSQL. A process
holds an exclusive lock (flock) on its slot's file while it runs and takes the lowest free slot, so replicas on
one host never share an id, and the kernel frees the lock of a process that was killed: its restart gets the
same slot, and so the same id. `PMO_INSTANCE_ID` names the instance instead (a StatefulSet pod name, say); it
must then be unique among the replicas and stable across restarts.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

ID_LEN = 16
TOKEN_LEN = 32  # inbox.claimed_by and outbox.claimed_by
SLOTS = 64
_PLAIN = re.compile(r"[A-Za-z0-9._-]{1,16}")


@dataclass
class Instance:
    id: str
    run: str = field(default_factory=lambda: uuid.uuid4().hex)
    _fd: int | None = None  # the locked slot file, held open for the life of the process

    @property
    def token(self) -> str:
        return f"{self.id}:{self.run}"[:TOKEN_LEN]

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def ephemeral() -> Instance:
    """An instance nobody will restart as (tests, the console chat, one-off commands): it takes over nothing."""
    return Instance(uuid.uuid4().hex[:ID_LEN])


def named(name: str) -> Instance:
    """The instance a configured name stands for (short plain names as they are, others hashed)."""
    return Instance(name if _PLAIN.fullmatch(name) else hashlib.sha256(name.encode()).hexdigest()[:ID_LEN])


def acquire(database_url: str, *, configured: str | None = None, state_dir: str | None = None) -> Instance:
    """This process's instance for this database: the configured one, else the lowest slot no live process
    holds (made on first use). Falls back to an ephemeral id, with a warning, where no file can be kept."""
    if configured:
        return named(configured)
    try:
        directory, stem = _where(database_url, state_dir)
        directory.mkdir(parents=True, exist_ok=True)
        for slot in range(SLOTS):
            found = _try_slot(directory / f"{stem}.instance-{slot}")
            if found is not None:
                return found
        logger.warning("all %d instance slots for %s are held; this run takes over nothing", SLOTS, stem)
    except OSError as exc:
        logger.warning("cannot keep an instance id (%s); this run takes over nothing after a crash", exc)
    return ephemeral()


def _where(database_url: str, state_dir: str | None) -> tuple[Path, str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database).resolve()
        return path.parent, path.name
    base = state_dir or os.environ.get("PMO_STATE_DIR") or str(Path.home() / ".local" / "state" / "pmo-bot")
    where = url.set(password=None).render_as_string(hide_password=True)
    return Path(base), hashlib.sha256(where.encode()).hexdigest()[:12]


def _try_slot(path: Path) -> Instance | None:
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # a live process holds this slot
        os.close(fd)
        return None
    kept = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    if not re.fullmatch(r"[0-9a-f]{16}", kept):
        kept = uuid.uuid4().hex[:ID_LEN]
        os.ftruncate(fd, 0)
        os.pwrite(fd, kept.encode() + b"\n", 0)
        os.fsync(fd)
    return Instance(kept, _fd=fd)
