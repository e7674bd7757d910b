"""A throwaway PostgreSQL cluster for tests: initdb in a temp dir, trust auth, 127.0.0.1 only.

Usage: `with PostgresCluster() as cluster: url = cluster.create_database("t1")`. Several
processes may share one cluster (each gets the URL); only the creator stops it. initdb refuses
to run as root, so on root machines the server programs run as the `postgres` system user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql

SUPERUSER = "postgres"


def missing_reason() -> str | None:
    """Say why no cluster can be started here, or None when one can."""
    for program in ("initdb", "pg_ctl"):
        if shutil.which(program) is None:
            return f"{program} not found on PATH (install the PostgreSQL server programs)"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root and runuser is not available (initdb refuses root)"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user (initdb refuses root)"
    return None


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    """Start a private PostgreSQL server on entry; stop it and delete its files on exit."""

    def __init__(self) -> None:
        """Prepare; nothing runs until `start()` (or `with`)."""
        self.root: Path | None = None
        self.port: int | None = None
        self._as_postgres = os.geteuid() == 0
        self._options = ""

    @property
    def data_dir(self) -> Path:
        """Return the cluster's data directory."""
        assert self.root is not None, "cluster not started"
        return self.root / "data"

    def _run(self, *argv: str) -> None:
        """Run a server program, as the postgres user when we are root; raise with its output."""
        prefix = ("runuser", "-u", "postgres", "--") if self._as_postgres else ()
        result = subprocess.run(
            [*prefix, *argv], cwd=self.root, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({result.returncode}):\n{result.stderr}")

    def start(self) -> PostgresCluster:
        """Create the cluster in a temp dir and start the server; return self."""
        # Not pytest's tmp_path: its parents are private to root, unreadable by `postgres`.
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-"))
        (self.root / "socket").mkdir()
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            for path in (self.root, self.root / "socket"):
                os.chown(path, user.pw_uid, user.pw_gid)
        self.port = _free_port()
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root / 'socket'} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._options = options
        self._start_server()
        return self

    def _start_server(self) -> None:
        """Start the server on the cluster's port and wait until it accepts connections."""
        log = str(self.data_dir.parent / "server.log")
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", log, "-o", self._options, "-w", "start")

    def restart(self, down: float = 0.0) -> None:
        """Stop the server (fast: every connection is cut), wait `down` seconds, start it again
        on the same port."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        time.sleep(down)
        self._start_server()

    def stop(self) -> None:
        """Stop the server at once and delete all its files."""
        if self.root is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def url(self, database: str = "postgres") -> str:
        """Return the URL of `database` on this cluster (superuser, no password)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database `name` and return its URL."""
        conninfo = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def __enter__(self) -> PostgresCluster:
        """Start the cluster."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the cluster and delete its files."""
        self.stop()
