"""A throwaway PostgreSQL server for tests.

Production may run on PostgreSQL, which is stricter than SQLite about types, constraints and
migrations, so the suite should be able to run against it too. Rather than depending on a
long-lived server whose state leaks between runs, each run gets its own cluster in a fresh
temporary directory, tuned for speed over durability, and throws it away afterwards.

Two ways to use it::

    with temporary_postgres() as url:  # from Python, e.g. a session-scoped pytest fixture
        ...

    python tests/pgserver.py -- pytest -q  # from a shell, CI or the Makefile

The command-line form sets ``LOCALLEADERS_TEST_DATABASE_URL`` for the command it runs.

Only the standard library is used, so this works before the project's dependencies exist.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = [
    "URL_ENV_VAR",
    "PostgresNotInstalledError",
    "find_postgres_bin_dir",
    "temporary_postgres",
]

#: The environment variable the command-line form hands the URL to the command in.
URL_ENV_VAR = "LOCALLEADERS_TEST_DATABASE_URL"

SUPERUSER = "postgres"
DATABASE = "localleaders_test"

# PostgreSQL refuses to run as root, so as root we run the server as Debian's system user.
_SERVER_OS_USER = "postgres"
_DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
_LOG_TAIL_LINES = 40
_START_TIMEOUT_S = 60
# Durability buys nothing for a database that is deleted after the run, and costs seconds.
_SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


class PostgresNotInstalledError(RuntimeError):
    """No PostgreSQL server binaries were found; callers may choose to skip instead of fail."""


def find_postgres_bin_dir() -> Path:
    """Return the directory holding ``initdb`` and ``pg_ctl``.

    Debian keeps server binaries out of PATH under /usr/lib/postgresql/VERSION/bin, so look
    there first (newest version wins) and fall back to PATH for other installs.
    """
    candidates = sorted(
        (Path(p) for p in glob.glob(_DEBIAN_BIN_GLOB)),
        key=lambda p: _version_key(p.parent.name),
        reverse=True,
    )
    for bin_dir in candidates:
        if _is_executable(bin_dir / "initdb") and _is_executable(bin_dir / "pg_ctl"):
            return bin_dir
    initdb = shutil.which("initdb")
    if initdb is not None:
        bin_dir = Path(initdb).resolve().parent
        if _is_executable(bin_dir / "pg_ctl"):
            return bin_dir
    raise PostgresNotInstalledError(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found in "
        f"{_DEBIAN_BIN_GLOB} or on PATH. Install the `postgresql` package "
        "(`apt-get install -y postgresql`; the Makefile does this for you)."
    )


@contextlib.contextmanager
def temporary_postgres() -> Iterator[str]:
    """Start a throwaway PostgreSQL server, yield a SQLAlchemy URL
    'postgresql+psycopg://USER@127.0.0.1:PORT/DBNAME', stop it and remove its files after.

    The server listens on a free loopback port only, trusts every local connection and keeps
    its socket and log inside its own temporary directory, so several can run side by side
    and nothing outside that directory is touched.
    """
    bin_dir = find_postgres_bin_dir()
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="localleaders-pg-"))
    data_dir = root / "data"
    log_file = root / "server.log"
    started = False
    try:
        if as_root:
            _hand_over_to_server_user(root)
        _initdb(bin_dir, data_dir, root, as_root)
        port = _free_port()
        started = True  # from here on a (partly) started server may need stopping
        _start(bin_dir, data_dir, log_file, root, port, as_root)
        _run(
            [
                str(bin_dir / "createdb"),
                "--host=127.0.0.1",
                f"--port={port}",
                f"--username={SUPERUSER}",
                DATABASE,
            ],
            cwd=root,
            what="createdb",
            log_file=log_file,
        )
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        try:
            if started:
                _stop(bin_dir, data_dir, root, as_root)
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _initdb(bin_dir: Path, data_dir: Path, cwd: Path, as_root: bool) -> None:
    """Create the cluster, preferring a UTF-8 locale so collation matches production."""
    base = [
        str(bin_dir / "initdb"),
        f"--pgdata={data_dir}",
        "--auth=trust",
        f"--username={SUPERUSER}",
        "--encoding=UTF8",
        "--no-sync",
    ]
    try:
        _run(_as_server_user([*base, "--locale=C.UTF-8"], as_root), cwd=cwd, what="initdb")
    except RuntimeError:
        # Minimal systems may lack C.UTF-8; a failed initdb leaves no usable data dir behind.
        shutil.rmtree(data_dir, ignore_errors=True)
        _run(_as_server_user([*base, "--no-locale"], as_root), cwd=cwd, what="initdb")


def _start(
    bin_dir: Path, data_dir: Path, log_file: Path, socket_dir: Path, port: int, as_root: bool
) -> None:
    """Start the server and wait until it accepts connections (``pg_ctl -w``).

    The Unix socket goes into our own directory: the default, /var/run/postgresql, may not
    exist or be writable by whoever runs the tests.
    """
    options = [f"-p {port}", f"-k {shlex.quote(str(socket_dir))}"]
    options += [f"-c {name}={value}" for name, value in _SERVER_SETTINGS.items()]
    command = [
        str(bin_dir / "pg_ctl"),
        f"--pgdata={data_dir}",
        f"--log={log_file}",
        "--wait",
        f"--timeout={_START_TIMEOUT_S}",
        f"--options={' '.join(options)}",
        "start",
    ]
    _run(_as_server_user(command, as_root), cwd=socket_dir, what="pg_ctl start", log_file=log_file)


def _stop(bin_dir: Path, data_dir: Path, cwd: Path, as_root: bool) -> None:
    """Stop the server at once; its data is about to be deleted, so no clean shutdown."""
    command = [
        str(bin_dir / "pg_ctl"),
        f"--pgdata={data_dir}",
        "--mode=immediate",
        "--wait",
        "stop",
    ]
    subprocess.run(
        _as_server_user(command, as_root),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


def _hand_over_to_server_user(root: Path) -> None:
    """Let the server's system user own the temporary directory.

    mkdtemp creates it 0700 and root-owned; the server needs to write its data, socket and
    log there. Every parent must also be searchable by that user, which /tmp is; a private
    TMPDIR (for example under /root) is reported instead of having its mode changed.
    """
    try:
        shutil.chown(root, user=_SERVER_OS_USER, group=_SERVER_OS_USER)
    except LookupError as exc:
        raise RuntimeError(
            f"Running as root, but there is no `{_SERVER_OS_USER}` system user to run "
            "PostgreSQL as. Install the `postgresql` package, which creates it."
        ) from exc
    root.chmod(0o755)
    for parent in root.parents:
        if not parent.stat().st_mode & stat.S_IXOTH:
            raise RuntimeError(
                f"{parent} is not searchable by the `{_SERVER_OS_USER}` user, so PostgreSQL "
                f"cannot reach {root}. Point TMPDIR at a directory such as /tmp."
            )


def _as_server_user(command: Sequence[str], as_root: bool) -> list[str]:
    """Prefix ``command`` so that it runs as the server's system user when we are root."""
    if as_root:
        return ["runuser", "-u", _SERVER_OS_USER, "--", *command]
    return list(command)


def _run(command: Sequence[str], *, cwd: Path, what: str, log_file: Path | None = None) -> None:
    """Run a setup command; on failure raise with its output and the server log's tail.

    ``cwd`` is our temporary directory because the server's user may not be allowed into
    the caller's working directory, which initdb and pg_ctl complain about.
    """
    result = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return
    message = [f"{what} failed with exit code {result.returncode}: {shlex.join(command)}"]
    output = (result.stdout + result.stderr).strip()
    if output:
        message += ["--- output ---", _tail(output)]
    if log_file is not None and log_file.exists():
        message += [f"--- {log_file.name} ---", _tail(log_file.read_text(errors="replace"))]
    raise RuntimeError("\n".join(message))


def _free_port() -> int:
    """Ask the kernel for a currently unused loopback port.

    The port is released before the server binds it, so another process could take it in
    between; the kernel hands out ephemeral ports in turn, which makes that unlikely.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(text: str, lines: int = _LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _version_key(name: str) -> tuple[int, ...]:
    """Sort '9.6' < '15' < '16' numerically rather than as strings."""
    return tuple(int(part) for part in re.findall(r"\d+", name))


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``CMD ARGS...`` (given after ``--``) against a temporary server; return its code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args or args[0] in {"-h", "--help"}:
        print(f"usage: python {Path(__file__).name} -- CMD [ARGS...]", file=sys.stderr)
        print(f"Runs CMD with {URL_ENV_VAR} set to a throwaway PostgreSQL.", file=sys.stderr)
        return 0 if args else 2
    # Turn SIGTERM (e.g. from a CI time-out) into SystemExit so the server is still stopped.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    with temporary_postgres() as url:
        env = {**os.environ, URL_ENV_VAR: url}
        try:
            return subprocess.run(args, env=env, check=False).returncode
        except FileNotFoundError:
            print(f"pgserver: command not found: {args[0]}", file=sys.stderr)
            return 127


if __name__ == "__main__":
    sys.exit(main())
