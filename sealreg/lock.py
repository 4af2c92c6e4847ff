"""The refresh lock: one refresh per registry home at a time, for a CLI process or a whole DAG run.

An advisory `flock` on `<home>/lock`: the kernel releases it when the holder dies (even by SIGKILL),
so a stale lock can never block the next refresh. The file holds the holder's pid for the message.

A DAG run's steps are separate processes (one per task), so between two tasks nobody holds the
flock. The run therefore also holds a lease, `<home>/lock.run` (its owner and expiry), from its
first task until its last one ends or a task fails: a refresh by anyone else is refused while the
lease is in force, even between tasks. A lease older than RUN_LEASE_MAX_AGE (a run that vanished
without its failure callback) no longer counts.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path

from sealreg.errors import SealregError

#: How long a DAG run's lease holds without being renewed (every task renews it).
RUN_LEASE_MAX_AGE = dt.timedelta(hours=12)


class LockHeld(SealregError, RuntimeError):
    """Another refresh holds the lock."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class RefreshLock:
    """Context manager: take the lock or raise LockHeld at once (never wait).

    With `lease_owner` (a DAG run), the run's lease is taken or renewed too, and a lease of another
    owner in force refuses the lock; without it, any lease in force refuses it.
    """

    def __init__(self, path: Path, lease_owner: str | None = None):
        self.path = path
        self.lease_path = path.with_name(path.name + ".run")
        self.lease_owner = lease_owner
        self._fd: int | None = None

    def __enter__(self) -> "RefreshLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise LockHeld(f"another refresh is running (pid {holder}, lock {self.path}); try again later") from None
        lease = self._lease_in_force()
        if lease is not None and lease.get("owner") != self.lease_owner:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise LockHeld(f"another refresh is running (DAG run {lease.get('owner')}, leased until "
                           f"{lease.get('expires_at')}, {self.lease_path}); try again later")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        if self.lease_owner is not None:
            self._write_lease()
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def release_lease(self) -> None:
        """End the DAG run's lease (call while holding the lock, as its owner)."""
        lease = self._read_lease()
        if lease is not None and lease.get("owner") == self.lease_owner:
            self.lease_path.unlink(missing_ok=True)

    # --- the lease file ------------------------------------------------------------------------
    def _read_lease(self) -> dict | None:
        try:
            data = json.loads(self.lease_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"owner": "(unreadable lease)", "expires_at": "(unknown)"}  # fail closed
        return data if isinstance(data, dict) else {"owner": "(unreadable lease)", "expires_at": "(unknown)"}

    def _lease_in_force(self) -> dict | None:
        lease = self._read_lease()
        if lease is None:
            return None
        try:
            expires = dt.datetime.fromisoformat(str(lease.get("expires_at")).replace("Z", "+00:00"))
        except ValueError:
            return lease
        return lease if expires > _now() else None

    def _write_lease(self) -> None:
        now = _now()
        body = {"owner": self.lease_owner, "renewed_at": now.isoformat().replace("+00:00", "Z"),
                "expires_at": (now + RUN_LEASE_MAX_AGE).isoformat().replace("+00:00", "Z")}
        tmp = self.lease_path.with_name(f"{self.lease_path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(body, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.lease_path)
