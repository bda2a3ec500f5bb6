"""Load benchmark: the platform served as in production, under wrk, beside a bare
FastAPI "hello" served the same way (the ceiling), with one worker and then two.

    .venv/bin/python benchmarks/load.py [--learners 10000] [--entries 200000]
        [--duration 10] [--connections 64] [--workers 1,2] [--out .bench/results.md]

It builds its data set in a throwaway folder (benchmarks/dataset.py), starts
``localleaders serve`` with LOCALLEADERS_ENVIRONMENT=production on 127.0.0.1, and runs
wrk (Debian package ``wrk``) for each target: the "hello" ceiling, a lesson page, a course
page, the profile, a cohort leaderboard, a trainer's progress matrix (signed in), and the
lesson-complete POST (signed-in learners completing lessons). It prints and writes a
table of requests/s, p50, p99, the ratio to the ceiling, errors, bytes transferred per
page (gzip, with its stylesheets and scripts on a first visit) and the peak memory of
each worker, with the machine it ran on. ``make bench`` runs it. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import dataset

from localleaders.db import Database
from localleaders.web.viewer import SESSION_COOKIE

ROOT = Path(__file__).resolve().parent.parent
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Result:
    name: str
    rps: float
    p50: float  # milliseconds
    p99: float
    errors: int  # non-2xx/3xx responses and socket errors
    requests: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode}); see its log")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {seconds} s")


def start(command: list[str], env: dict[str, str], log: Path, url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                               cwd=ROOT)  # fmt: skip
    wait_until_up(url, process)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def workers_of(process: subprocess.Popen[bytes]) -> list[int]:
    """The processes serving requests: uvicorn's children when it supervises several."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    serving = [
        p for p in pids if b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()
    ]
    return serving or [process.pid]


def peak_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) so far, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(name: str, url: str, args: argparse.Namespace, *, headers: dict[str, str] | None = None,
        script: Path | None = None) -> Result:  # fmt: skip
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--latency", "--timeout", "10s"]  # fmt: skip
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse(name, output)


def parse(name: str, output: str) -> Result:
    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        return float(found.group(1)) * UNITS[found.group(2)] if found else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return Result(name, float(rps.group(1)) if rps else 0.0, latency("50"), latency("99"), errors,
                  int(total.group(1)) if total else 0)  # fmt: skip


def post_script(folder: Path, posters: list[str], lessons: list[str], origin: str,
                threads: int) -> Path:  # fmt: skip
    """Each wrk thread walks its own slice of (learner, lesson) pairs: first completions
    while they last, then repeats (which must award nothing)."""
    tokens = ", ".join(f'"{t}"' for t in posters)
    paths = ", ".join(f'"{p}"' for p in lessons)
    script = folder / "complete.lua"
    script.write_text(f"""
local tokens = {{{tokens}}}
local paths = {{{paths}}}
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args) n = 0 end
function request()
  local i = tid + n * {threads}
  n = n + 1
  local pair = i % (#tokens * #paths)
  local token = tokens[(pair % #tokens) + 1]
  local path = paths[math.floor(pair / #tokens) % #paths + 1]
  return wrk.format("POST", "/courses/" .. path .. "/complete",
    {{["Cookie"] = "{SESSION_COOKIE}=" .. token, ["Origin"] = "{origin}",
      ["Content-Type"] = "application/x-www-form-urlencoded"}}, "")
end
""")
    return script


def transferred(base: str, path: str, token: str) -> int:
    """Bytes on the wire for a first visit: the page and its stylesheets and scripts, gzip."""
    cookies = {SESSION_COOKIE: token}
    with httpx.Client(
        base_url=base, cookies=cookies, headers={"Accept-Encoding": "gzip"}
    ) as client:
        page = client.get(path)
        size = page.num_bytes_downloaded
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)[^"]*)"', page.text):
            size += client.get(asset).num_bytes_downloaded
    return size


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))  # fmt: skip
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    return (f"{os.cpu_count()} vCPUs ({cpu}), {memory / 1024 / 1024:.0f} GiB RAM, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}; {version.strip()}")  # fmt: skip


def run(args: argparse.Namespace) -> str:
    folder = Path(tempfile.mkdtemp(prefix="localleaders-bench-"))
    secret = secrets.token_hex(32)
    courses = dataset.courses(folder / "courses")
    db_path = folder / "bench.db"
    url = f"sqlite:///{db_path}"
    began = time.monotonic()
    db = Database(url)
    data = dataset.build(db, courses, secret, learners=args.learners, entries=args.entries,
                         posters=args.posters)  # fmt: skip
    db.dispose()
    built = time.monotonic() - began
    env = {**os.environ, "LOCALLEADERS_ENVIRONMENT": "production", "LOCALLEADERS_SECRET_KEY": secret,
           "LOCALLEADERS_DATABASE_URL": url, "LOCALLEADERS_COURSES_DIR": str(courses),
           "LOCALLEADERS_DATA_DIR": str(folder / "data"), "PYTHONPATH": str(ROOT)}  # fmt: skip
    lines = [f"Machine: {machine()}.",
             f"Data set: {data.learners:,} learners, {data.entries:,} ledger rows, a cohort of "
             f"{dataset.COHORT_SIZE} (built in {built:.0f} s). wrk: {args.threads} threads, "
             f"{args.connections} connections, {args.duration} s per target.", ""]  # fmt: skip
    learner = {"Cookie": f"{SESSION_COOKIE}={data.learner}"}
    trainer = {"Cookie": f"{SESSION_COOKIE}={data.trainer}"}
    pages = [
        ("Lesson page", f"/courses/{data.course}/{data.lesson}", learner, data.learner),
        ("Course page", f"/courses/{data.course}", learner, data.learner),
        ("Profile", "/profile", learner, data.learner),
        ("Cohort leaderboard", f"/cohorts/{data.cohort_id}/leaderboard", learner, data.learner),
        ("Progress matrix (trainer)", f"/trainer/cohorts/{data.cohort_id}", trainer, data.trainer),
    ]
    for workers in args.workers:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        code = ("import uvicorn; from localleaders.cli import uvicorn_options; "
                f"uvicorn.run('benchmarks.hello:create_app', factory=True, host='127.0.0.1', "
                f"port={port}, **uvicorn_options({workers}))")  # fmt: skip
        hello = start([sys.executable, "-c", code], env, folder / "hello.log", f"{base}/hello")
        ceiling = wrk('FastAPI "hello" (ceiling)', f"{base}/hello", args)
        hello_mb = max(peak_mb(pid) for pid in workers_of(hello))
        stop(hello)
        server = start([sys.executable, "-m", "localleaders", "serve", "--port", str(port),
                        "--workers", str(workers)], env, folder / "server.log", f"{base}/healthz")  # fmt: skip
        results, sizes = [ceiling], {}
        for name, path, headers, token in pages:
            wrk(name, base + path, args, headers=headers)  # warm-up run, discarded
            results.append(wrk(name, base + path, args, headers=headers))
            sizes[name] = transferred(base, path, token)
        share = len(data.posters) // len(args.workers)  # fresh learners for each run
        mine = data.posters[share * args.workers.index(workers) :][:share]
        script = post_script(folder, mine, data.post_lessons, base, args.threads)
        results.append(wrk("Lesson complete (POST)", base + "/", args, script=script))
        memory = [peak_mb(pid) for pid in workers_of(server)]
        stop(server)
        lines += table(workers, results, sizes, memory, hello_mb)
        lines += check_awards(db_path, data)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return "\n".join(lines)


def table(workers: int, results: list[Result], sizes: dict[str, int], memory: list[float],
          hello_mb: float) -> list[str]:  # fmt: skip
    ceiling = results[0].rps or 1.0
    lines = [f"**{workers} worker{'s' if workers > 1 else ''}**", "",
             "| Target | Requests/s | p50 ms | p99 ms | Of the ceiling | Errors | Transferred |",
             "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for result in results:
        size = f"{sizes[result.name] / 1024:.1f} KiB" if result.name in sizes else ""
        lines.append(f"| {result.name} | {result.rps:,.0f} | {result.p50:.1f} | {result.p99:.1f} | "
                     f"{result.rps / ceiling:.0%} | {result.errors} | {size} |")  # fmt: skip
    peaks = ", ".join(f"{mb:.0f} MiB" for mb in memory)
    lines += [
        "",
        f"Peak memory per worker (VmHWM): {peaks} (the ceiling's: {hello_mb:.0f} MiB).",
        "",
    ]
    return lines


def check_awards(db_path: Path, data: dataset.DataSet) -> list[str]:
    """Every completion made under load holds exactly one award, and every total equals
    its ledger."""
    with sqlite3.connect(db_path) as connection:
        made = connection.execute(
            "SELECT count(*) FROM lesson_completion WHERE user_id IN "
            "(SELECT user_id FROM user_session WHERE user_agent = 'bench-poster')"
        ).fetchone()[0]
        awards = connection.execute(
            "SELECT count(*) FROM point_entry WHERE reason = 'lesson_completed' AND user_id IN "
            "(SELECT user_id FROM user_session WHERE user_agent = 'bench-poster')"
        ).fetchone()[0]
        drift = connection.execute(
            "SELECT count(*) FROM user_points p WHERE p.total != "
            "(SELECT coalesce(sum(amount), 0) FROM point_entry e WHERE e.user_id = p.user_id)"
        ).fetchone()[0]
    return [f"Completions made under load (all runs so far): {made:,}; their awards: {awards:,} "
            f"(duplicates: {awards - made}); totals differing from the ledger: {drift}.", ""]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument(
        "--posters",
        type=int,
        default=2_000,
        help="learners posting completions (shared out between the runs)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2])
    parser.add_argument("--out", type=Path, default=ROOT / ".bench" / "results.md")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: sudo apt-get install wrk")
    report = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n", encoding="utf-8")
    print(report)
    print(f"\nWritten to {args.out}")


if __name__ == "__main__":
    main()
