#!/usr/bin/env python3
"""Time `asyncfix --check` against `ruff check --select ASYNC` on a pinned corpus.

    python benchmarks/bench.py [--corpus-dir DIR] [--runs N] [--tiny]

The corpus is four sdists from PyPI (homeassistant, django, aiohttp,
discord.py), fetched once with `pip download` into a cache folder outside the
repo (default ~/.cache/asyncfix-bench, or $ASYNCFIX_BENCH_DIR, or
--corpus-dir) and unpacked into its `corpus/` folder.  The two tools run
alternately (ruff, asyncfix, ruff, ...) after one untimed warm-up each; the
script prints Markdown tables for the README: wall time, peak memory, the
ratio of the medians, the warm run, and what each file that needs fixing
costs.  The asyncfix runs that are compared with ruff are cold (`--no-cache`);
the warm runs use a cache folder of their own ($ASYNCFIX_CACHE_DIR, a fresh
temp dir), primed by one untimed run.

--tiny builds a few generated files in a temp dir instead, for the smoke test.

Needs only the stdlib, asyncfix and ruff (found on PATH or as `python -m
ruff`); exits 2 with a message if ruff is missing, 1 if a tool fails.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SPECS = ("homeassistant==2024.3.3", "django==5.2.19", "aiohttp==3.14.5", "discord.py==2.7.1")
SAMPLE_INTERVAL = 0.010  # seconds between /proc samples of the process tree
MAX_TIMED_FILES = 100  # per-file timings are a sample past this many files
RUFF_OK = frozenset({0, 1})  # 1: findings
ASYNCFIX_OK = frozenset({0, 1, 123})  # 1: would change; 123: a file did not parse
GNU_TIME = Path("/usr/bin/time")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MIB = 1024 * 1024


class BenchError(Exception):
    """A tool failed or the corpus could not be built; the message says which."""


@dataclass
class Tool:
    """A command to time, minus the corpus path."""

    name: str
    argv: list[str]
    shown: str  # the command as the table prints it
    ok_codes: frozenset[int]


@dataclass
class Measurement:
    """One timed run of one tool."""

    wall: float
    peak_process: int  # bytes, the largest single process in the tree
    peak_tree: int  # bytes, the largest sampled sum over the tree


@dataclass
class CorpusFacts:
    """What the tools were run on."""

    label: str
    files: int
    lines: int


@dataclass
class FileCost:
    """What `asyncfix --check -q FILE` costs on the files that need work."""

    would_fix: list[Path]
    findings: list[Path]
    summary: str
    timings: dict[Path, float] = field(default_factory=dict)  # seconds, median per file
    startup: float = 0.0  # seconds, the same command on a one-line clean file


# ---------------------------------------------------------------- finding tools


def find_ruff() -> list[str] | None:
    """The ruff command: next to this Python, on PATH, or as `python -m ruff`."""
    sibling = Path(sys.executable).parent / "ruff"
    if sibling.is_file() and os.access(sibling, os.X_OK):
        return [str(sibling)]
    on_path = shutil.which("ruff")
    if on_path:
        return [on_path]
    probe = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=False
    )
    return [sys.executable, "-m", "ruff"] if probe.returncode == 0 else None


def find_asyncfix() -> list[str]:
    """The asyncfix console script of this Python's environment, else `python -m asyncfix`."""
    sibling = Path(sys.executable).parent / "asyncfix"
    if sibling.is_file() and os.access(sibling, os.X_OK):
        return [str(sibling)]
    on_path = shutil.which("asyncfix")
    return [on_path] if on_path else [sys.executable, "-m", "asyncfix"]


def command_output(argv: Sequence[str]) -> str:
    """stdout of a short command, stripped; empty if it fails."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def version_of(argv: Sequence[str]) -> str:
    """The last word of `TOOL --version` ('asyncfix, version 0.1.0' -> '0.1.0')."""
    words = command_output([*argv, "--version"]).split()
    return words[-1] if words else "unknown"


def make_tools(ruff: list[str], asyncfix: list[str]) -> tuple[Tool, Tool, bool]:
    """The two commands, and whether asyncfix has a cache (it lists --no-cache)."""
    has_cache = "--no-cache" in command_output([*asyncfix, "--help"])
    # --isolated: the sdists carry their own ruff settings (homeassistant's
    # selects rules that newer ruffs removed, which makes ruff refuse to run);
    # the comparison is the ASYNC rules alone, as asyncfix runs with defaults.
    ruff_tool = Tool(
        "ruff",
        [*ruff, "check", "--isolated", "--select", "ASYNC", "--no-cache", "-q"],
        "ruff check --isolated --select ASYNC --no-cache -q",
        RUFF_OK,
    )
    cold = ["--check", "-q", *(["--no-cache"] if has_cache else [])]
    asyncfix_tool = Tool(
        "asyncfix", [*asyncfix, *cold], "asyncfix " + " ".join(cold), ASYNCFIX_OK
    )
    return ruff_tool, asyncfix_tool, has_cache


# ------------------------------------------------------------------- the corpus


def normalise(name: str) -> str:
    """'discord.py' and 'discord_py' alike, as sdist file names spell them."""
    return re.sub(r"[-_.]+", "_", name).lower()


def sdist_for(spec: str, sdists: Path) -> Path | None:
    """The downloaded sdist of `name==version`, if it is there."""
    name, version = spec.split("==")
    for path in sdists.iterdir() if sdists.is_dir() else ():
        stem = archive_stem(path)
        if stem and normalise(stem) == normalise(f"{name}-{version}"):
            return path
    return None


def archive_stem(path: Path) -> str | None:
    """'django-5.2.19' for 'django-5.2.19.tar.gz'; None for anything else."""
    for suffix in (".tar.gz", ".tgz", ".zip"):
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return None


def fetch(sdists: Path) -> list[Path]:
    """Download the sdists that are not already in `sdists`; return all four."""
    missing = [spec for spec in SPECS if sdist_for(spec, sdists) is None]
    if missing:
        sdists.mkdir(parents=True, exist_ok=True)
        print(f"fetching {' '.join(missing)} into {sdists}", file=sys.stderr)
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
            "--dest", str(sdists), *missing,
        ]
        if subprocess.run(command, check=False).returncode != 0:
            raise BenchError("pip download failed (see above)")
    found = [sdist_for(spec, sdists) for spec in SPECS]
    absent = [spec for spec, path in zip(SPECS, found) if path is None]
    if absent:
        raise BenchError(f"pip download did not leave sdists for: {' '.join(absent)}")
    return [path for path in found if path is not None]


def unpack(sdist: Path, corpus: Path) -> None:
    """Unpack one sdist to corpus/<stem> unless it is there; never leave half of one."""
    stem = archive_stem(sdist) or sdist.name
    target = corpus / stem
    if target.is_dir():
        return
    print(f"unpacking {sdist.name}", file=sys.stderr)
    partial = corpus / f".partial-{stem}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    if sdist.name.endswith(".zip"):
        shutil.unpack_archive(sdist, partial)
    else:
        with tarfile.open(sdist) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(partial, filter="data")
            else:  # Pythons before the extraction filters
                archive.extractall(partial)
    entries = list(partial.iterdir())
    top = entries[0] if len(entries) == 1 and entries[0].is_dir() else partial
    top.rename(target)
    shutil.rmtree(partial, ignore_errors=True)


def real_corpus(root: Path) -> tuple[Path, str]:
    """The unpacked pinned corpus under `root`, fetched and unpacked as needed."""
    corpus = root / "corpus"
    for sdist in fetch(root / "sdists"):
        unpack(sdist, corpus)
    label = ", ".join(spec.replace("==", " ") for spec in SPECS) + " sdists"
    return corpus, label


TINY_FILES = {
    "bot/sleepy.py": "import time\n\n\nasync def handler():\n    time.sleep(1)\n",
    "bot/fetch.py": (
        "import requests\n\n\nasync def fetch(url):\n"
        "    return requests.get(url, timeout=5).json()\n"
    ),
    "bot/both.py": (
        "import time\n\nimport requests\n\n\nasync def poll(url):\n"
        "    while True:\n        status = requests.get(url).status_code\n"
        "        if status == 200:\n            return\n        time.sleep(0.5)\n"
    ),
    "bot/nested.py": (
        "import time\n\n\nasync def outer():\n    def inner():\n"
        "        time.sleep(1)  # sync code: stays\n    return inner\n"
    ),
    "bot/clean_async.py": "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n",
    "lib/broken.py": "import time\n\n\nasync def handler(:\n    time.sleep(1)\n",
}


def tiny_corpus(root: Path) -> tuple[Path, str]:
    """A few generated files: blocking calls in async def, clean files, one syntax error."""
    corpus = root / "corpus"
    files = dict(TINY_FILES)
    for n in range(20):
        files[f"lib/clean_{n}.py"] = f"def add_{n}(a, b):\n    return a + b + {n}\n"
    for name, text in files.items():
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return corpus, "tiny generated corpus"


def corpus_facts(corpus: Path, label: str) -> CorpusFacts:
    """Count the .py files and their lines."""
    files = lines = 0
    for path in corpus.rglob("*.py"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        files += 1
        lines += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return CorpusFacts(label, files, lines)


# ----------------------------------------------------------------- measurement


def children_of(pid: int) -> Iterator[int]:
    """The direct children of every thread of `pid` (a pool may fork from any)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                text = handle.read()
        except OSError:
            continue
        yield from (int(word) for word in text.split())


def descendants(pid: int) -> list[int]:
    """Every process below `pid` in the tree, at this instant."""
    found: list[int] = []
    pending = list(children_of(pid))
    while pending:
        child = pending.pop()
        found.append(child)
        pending.extend(children_of(child))
    return found


def rss_of(pid: int) -> int:
    """Resident bytes of one process; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Samples the RSS of a process tree every SAMPLE_INTERVAL until stopped."""

    def __init__(self, root: int, include_root: bool) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.include_root = include_root
        self.peak_process = 0
        self.peak_tree = 0
        self.done = threading.Event()

    def sample(self) -> None:
        pids = descendants(self.root) + ([self.root] if self.include_root else [])
        sizes = [rss_of(pid) for pid in pids]
        self.peak_process = max([self.peak_process, *sizes])
        self.peak_tree = max(self.peak_tree, sum(sizes))

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(SAMPLE_INTERVAL)


def gnu_time_works() -> bool:
    """Whether /usr/bin/time takes `-f %M -o FILE` (GNU time; BusyBox's may not)."""
    if not GNU_TIME.is_file():
        return False
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rss"
        command = [str(GNU_TIME), "-f", "%M", "-o", str(out), sys.executable, "-c", "pass"]
        if subprocess.run(command, capture_output=True, check=False).returncode != 0:
            return False
        return gnu_time_peak(out) > 0


def measure(
    tool: Tool, target: Path, cwd: Path, use_gnu_time: bool, env: dict[str, str] | None = None
) -> Measurement:
    """Run `tool` on `target` once: wall time and peak memory of its process tree."""
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        err_file = Path(tmp) / "stderr"
        prefix = [str(GNU_TIME), "-f", "%M", "-o", str(rss_file)] if use_gnu_time else []
        with open(err_file, "wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(
                [*prefix, *tool.argv, str(target)],
                cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                env=env,
            )
            sampler = TreeSampler(process.pid, include_root=not use_gnu_time)
            sampler.start()
            code = process.wait()
            wall = time.perf_counter() - start
            sampler.done.set()
            sampler.join()
        if code not in tool.ok_codes:
            tail = err_file.read_text(errors="replace")[-2000:]
            raise BenchError(f"{tool.name} exited {code} on {target}:\n{tail}")
        peak = max(sampler.peak_process, gnu_time_peak(rss_file))
    return Measurement(wall, peak, max(sampler.peak_tree, peak))


def gnu_time_peak(rss_file: Path) -> int:
    """The %M figure (KiB; the largest process of the tree that was waited for) in bytes."""
    try:
        lines = rss_file.read_text().strip().splitlines()
    except OSError:
        return 0
    return int(lines[-1]) * 1024 if lines and lines[-1].isdigit() else 0


def alternate(
    tools: Sequence[Tool], target: Path, cwd: Path, runs: int, use_gnu_time: bool
) -> dict[str, list[Measurement]]:
    """`runs` timed runs of each tool, interleaved so drift hits both alike."""
    results: dict[str, list[Measurement]] = {tool.name: [] for tool in tools}
    for round_number in range(1, runs + 1):
        for tool in tools:
            result = measure(tool, target, cwd, use_gnu_time)
            results[tool.name].append(result)
            print(f"  run {round_number}/{runs} {tool.name}: {result.wall:.2f} s", file=sys.stderr)
    return results


# ------------------------------------------------------ what fixed files cost

# A call left to fix by hand; `CODE [*]` lines are calls --check would fix.
FINDING = re.compile(r"^(?P<path>.+?):\d+:\d+: \S+ (?!\[\*\] )")
WOULD_FIX = re.compile(r"^would fix (?P<path>.+)$")


def list_work(asyncfix: list[str], target: Path, cwd: Path, no_cache: list[str]) -> FileCost:
    """Run a non-quiet `asyncfix --check` (doubles as the untimed warm-up): which files need work."""
    done = subprocess.run(
        [*asyncfix, "--check", *no_cache, str(target)],
        cwd=cwd, capture_output=True, text=True, check=False,
    )
    if done.returncode not in ASYNCFIX_OK:
        raise BenchError(f"asyncfix exited {done.returncode}:\n{done.stderr[-2000:]}")
    would_fix = matched_paths(WOULD_FIX, done.stderr, cwd)
    findings = matched_paths(FINDING, done.stdout, cwd)
    summary = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return FileCost(would_fix, findings, summary)


def matched_paths(pattern: re.Pattern[str], text: str, cwd: Path) -> list[Path]:
    """The distinct paths named by `pattern` in `text`, in order."""
    paths: dict[Path, None] = {}
    for line in text.splitlines():
        match = pattern.match(line)
        if match:
            paths[(cwd / match["path"]).resolve()] = None
    return list(paths)


def time_command(argv: Sequence[str], cwd: Path, repeats: int) -> float:
    """Median wall seconds of `argv` over `repeats` runs (output discarded)."""
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(
            argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, check=False,
        )
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def time_files(
    cost: FileCost, asyncfix: list[str], cwd: Path, repeats: int, no_cache: list[str]
) -> None:
    """Time `asyncfix --check -q FILE` (cold) on each file that needs work, and on a clean file."""
    files = sorted(set(cost.would_fix) | set(cost.findings))[:MAX_TIMED_FILES]
    command = [*asyncfix, "--check", "-q", *no_cache]
    for path in files:
        cost.timings[path] = time_command([*command, str(path)], cwd, repeats)
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean.py"
        clean.write_text("x = 1\n")
        cost.startup = time_command([*command, str(clean)], Path(tmp), repeats)


# The cached run, for the table: its own cache folder, primed by one untimed run.
WARM = Tool("asyncfix, warm", [], "asyncfix --check -q (cache primed)", ASYNCFIX_OK)


def warm_runs(
    asyncfix: list[str], target: Path, cwd: Path, runs: int, use_gnu_time: bool
) -> list[Measurement]:
    """With a cache of its own (a fresh folder): one priming run, then `runs` timed runs."""
    warm = Tool(WARM.name, [*asyncfix, "--check", "-q"], WARM.shown, ASYNCFIX_OK)
    with tempfile.TemporaryDirectory(prefix="asyncfix-bench-cache-") as cache:
        env = {**os.environ, "ASYNCFIX_CACHE_DIR": cache}
        measure(warm, target, cwd, use_gnu_time, env)
        results = []
        for number in range(1, runs + 1):
            results.append(measure(warm, target, cwd, use_gnu_time, env))
            print(f"  run {number}/{runs} asyncfix (warm): {results[-1].wall:.2f} s", file=sys.stderr)
        return results


# -------------------------------------------------------------------- report


def machine() -> str:
    """'Linux x86_64, AMD EPYC, 2 CPUs (nproc), 23.5 GiB RAM'."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    parts = [f"{platform.system()} {platform.machine()}"]
    model = proc_field("/proc/cpuinfo", "model name")
    if model:
        parts.append(model)
    parts.append(f"{cpus} CPUs (nproc)")
    mem_kib = proc_field("/proc/meminfo", "MemTotal").split()[:1]
    if mem_kib and mem_kib[0].isdigit():
        parts.append(f"{int(mem_kib[0]) / 1024 / 1024:.1f} GiB RAM")
    return ", ".join(parts)


def proc_field(path: str, key: str) -> str:
    """The value of the first `key: value` line of a /proc file, or ''."""
    try:
        with open(path) as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return ""


def mib(size: int) -> str:
    return f"{size / MIB:.0f} MiB" if size else "n/a"


def plural(count: int, noun: str) -> str:
    """'1 file', '3 files'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def secs(value: float) -> str:
    """Three decimals below 10 s (ruff's runs), two above."""
    return f"{value:.3f}" if value < 10 else f"{value:.2f}"


def row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def tool_row(tool: Tool, results: list[Measurement]) -> str:
    walls = [result.wall for result in results]
    return row([
        tool.name, f"`{tool.shown}`", str(len(results)),
        secs(statistics.median(walls)), secs(min(walls)), secs(max(walls)),
        mib(max(result.peak_process for result in results)),
        mib(max(result.peak_tree for result in results)),
    ])


def report(
    facts: CorpusFacts,
    versions: dict[str, str],
    tools: Sequence[Tool],
    results: dict[str, list[Measurement]],
    warm: list[Measurement] | None,
    cost: FileCost,
    use_gnu_time: bool,
    load: str,
) -> str:
    """The Markdown for the README's performance section."""
    ruff, asyncfix = tools
    ruff_median = statistics.median(r.wall for r in results[ruff.name])
    cold_median = statistics.median(r.wall for r in results[asyncfix.name])
    asyncfix_peak = max(r.peak_process for r in results[asyncfix.name])
    memory_method = "/usr/bin/time %M and /proc every 10 ms" if use_gnu_time else "/proc every 10 ms"
    lines = [
        row(["date", "machine", "Python", "asyncfix", "ruff", "corpus"]),
        row(["---"] * 6),
        row([
            datetime.date.today().isoformat(), machine(), platform.python_version(),
            versions["asyncfix"], versions["ruff"],
            f"{facts.label}: {facts.files:,} .py files, {facts.lines:,} lines",
        ]),
        "",
        row(["tool", "command", "runs", "median s", "min s", "max s",
             "peak RSS, largest process", "peak RSS, process tree (sum)"]),
        row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
        tool_row(ruff, results[ruff.name]),
        tool_row(asyncfix, results[asyncfix.name]),
        *([tool_row(WARM, warm)] if warm is not None else []),
        row(["asyncfix / ruff", "ratio of the medians", "", f"{cold_median / ruff_median:.2f}x",
             "", "", "", ""]),
        "",
        (
            f"Runs alternate ({ruff.name}, {asyncfix.name}, ...) after one untimed warm-up "
            f"each; wall time of the whole command; memory from {memory_method} "
            "(the tree sum counts pages shared by forked workers once per process); "
            f"load average before the runs: {load}."
        ),
        "",
    ]
    if warm is None:
        lines.append("warm run: no cache yet")
    else:
        warm_median = statistics.median(r.wall for r in warm)
        lines.append(
            f"warm run (cache primed, {len(warm)} runs): median {warm_median:.2f} s, "
            f"{warm_median / cold_median:.2f}x the cold run (target at most 0.3x)"
        )
    lines.extend(["", *cost_lines(cost, facts), "", *target_lines(
        cold_median / ruff_median, asyncfix_peak, warm, cold_median)])
    return "\n".join(lines)


def cost_lines(cost: FileCost, facts: CorpusFacts) -> list[str]:
    """Files that need work and what each one costs."""
    lines = [
        (
            f"asyncfix --check: {plural(len(cost.would_fix), 'file')} would change, "
            f"{plural(len(cost.findings), 'file')} with calls left to fix by hand; "
            f"its summary: \"{cost.summary}\""
        ),
    ]
    if not cost.timings:
        return [*lines, "ms per fixed file: no file needs work"]
    per_file = {path: seconds * 1000 for path, seconds in cost.timings.items()}
    needing_work = len(set(cost.would_fix) | set(cost.findings))
    startup_ms = cost.startup * 1000
    median_ms = statistics.median(per_file.values())
    slowest = max(per_file, key=lambda path: per_file[path])
    sampled = f", the first {len(per_file)} by path" if needing_work > len(per_file) else ""
    lines.append(
        f"`asyncfix --check -q FILE`, timed on each file that needs work "
        f"({needing_work:,}{sampled}): "
        f"median {median_ms:.0f} ms per file, {median_ms - startup_ms:.0f} ms above "
        f"a one-line clean file ({startup_ms:.0f} ms, start-up); slowest: "
        f"{shown_path(slowest)} {per_file[slowest]:.0f} ms"
    )
    return lines


def shown_path(path: Path) -> str:
    """A corpus path as the README shows it: from the sdist folder down."""
    parts = path.parts
    return "/".join(parts[parts.index("corpus") + 1:]) if "corpus" in parts else str(path)


def target_lines(
    ratio: float, peak: int, warm: list[Measurement] | None, cold_median: float
) -> list[str]:
    """The part 4 targets, met or not."""
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines = [
        f"target cold <= 1.0x ruff: {ratio:.2f}x, {verdict(ratio <= 1.0)}",
        (
            f"target peak RSS of any asyncfix process <= 200 MiB: {mib(peak)}, "
            f"{verdict(peak <= 200 * MIB)}"
        ),
    ]
    if warm is not None:
        warm_ratio = statistics.median(r.wall for r in warm) / cold_median
        lines.append(f"target warm <= 0.3x cold: {warm_ratio:.2f}x, {verdict(warm_ratio <= 0.3)}")
    return lines


# ----------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus-dir", type=Path,
        default=Path(os.environ.get("ASYNCFIX_BENCH_DIR") or "~/.cache/asyncfix-bench"),
        help="cache folder for sdists/ and corpus/ (default: $ASYNCFIX_BENCH_DIR or "
        "~/.cache/asyncfix-bench)",
    )
    parser.add_argument("--runs", type=int, help="timed runs per tool (default: 5; --tiny: 2)")
    parser.add_argument("--tiny", action="store_true",
                        help="a few generated files in a temp dir (the smoke test)")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 2 if args.tiny else 5
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def bench(args: argparse.Namespace, root: Path, ruff: list[str]) -> str:
    """Build or find the corpus, run everything, return the report."""
    corpus, label = tiny_corpus(root) if args.tiny else real_corpus(root)
    asyncfix = find_asyncfix()
    ruff_tool, asyncfix_tool, has_cache = make_tools(ruff, asyncfix)
    versions = {"asyncfix": version_of(asyncfix), "ruff": version_of(ruff)}
    facts = corpus_facts(corpus, label)
    print(f"corpus: {facts.files:,} .py files, {facts.lines:,} lines in {corpus}", file=sys.stderr)
    use_gnu_time = gnu_time_works()
    cwd = corpus.parent
    # the runs are only as good as the machine is quiet: say how busy it was
    load = " ".join(f"{n:.2f}" for n in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"

    print("warm-up (untimed): ruff, then a listing asyncfix --check", file=sys.stderr)
    measure(ruff_tool, corpus, cwd, use_gnu_time)
    no_cache = ["--no-cache"] if has_cache else []
    cost = list_work(asyncfix, corpus, cwd, no_cache)
    results = alternate([ruff_tool, asyncfix_tool], corpus, cwd, args.runs, use_gnu_time)
    warm = warm_runs(asyncfix, corpus, cwd, args.runs, use_gnu_time) if has_cache else None
    print("timing asyncfix on each file that needs work", file=sys.stderr)
    time_files(cost, asyncfix, cwd, 1 if args.tiny else 3, no_cache)
    tools = [ruff_tool, asyncfix_tool]
    return report(facts, versions, tools, results, warm, cost, use_gnu_time, load)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    ruff = find_ruff()
    if ruff is None:
        print(
            "bench.py: ruff not found (neither `ruff` on PATH nor `python -m ruff`); "
            "install it with `pip install ruff` to compare against it",
            file=sys.stderr,
        )
        return 2
    try:
        if args.tiny:
            with tempfile.TemporaryDirectory(prefix="asyncfix-bench-tiny-") as tmp:
                print(bench(args, Path(tmp), ruff))
        else:
            print(bench(args, args.corpus_dir.expanduser().resolve(), ruff))
    except BenchError as error:
        print(f"bench.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
