"""The ``asyncfix`` command: options, config, write mode, output, exit code.

No rewrite logic lives here: see engine.py and fixers/.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .config import ConfigError, blocking_calls, find_pyproject, load, target_version
from .files import (
    DEFAULT_EXCLUDES,
    Discovery,
    common_parent,
    find_project_root,
    pattern_error,
    remove_leftovers,
)
from .explain import explain
from .rules import CODES, select_rules
from .model import EVENT_LOOPS, FileResult, Settings
from .report import (
    OUTPUT_FORMATS,
    OutputFormat,
    colour_diff,
    is_input_problem,
    render,
    show_fixes,
    statistics,
    summary,
    text_lines,
)
from .cache import Cache, cache_dir
from .progress import Progress
from .runner import Job, default_jobs, run_all, run_data

EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_USAGE = 2
EXIT_ERROR = 123

EPILOG = """\b
Examples:
  asyncfix src/                       fix every file under src/ in place
  asyncfix --diff src/                show what would change, write nothing (CI)
  asyncfix --check .                  list the files that would change
  asyncfix - < bot.py                 fix standard input, print the result
  asyncfix --select ASYNC251 .        only the time.sleep fix
  asyncfix --ignore ASYNC210 .        everything but the requests fix
  asyncfix --check --output-format github .
                                      annotate a pull request (GitHub Actions)
  asyncfix --statistics .             fix, then count what was fixed and left per rule
  asyncfix --explain ASYNC240         what a rule finds and how it is fixed

\b
Exit status: 0 nothing to fix or report; 1 a file was (or would be) changed
or a blocking call is left to fix by hand; 123 a file could not be read,
parsed or written; 2 bad usage or configuration.  --exit-zero turns 1 into 0,
and 123 too when the files could not be read or parsed.
"""


def _split(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """Repeated and comma-separated option values, flattened; None if not given."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _fail(message: str) -> NoReturn:
    click.secho(f"asyncfix: error: {message}", err=True, fg="red")
    sys.exit(EXIT_USAGE)


def _explain(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--explain CODE``: print the rule's text and exit, before PATHS is required."""
    if value is None or ctx.resilient_parsing:
        return
    code = value.strip().upper()
    if code not in CODES:
        _fail(f"--explain: unknown rule code {value!r} (known: {', '.join(sorted(CODES))})")
    click.echo(explain(code), nl=False)
    ctx.exit(EXIT_OK)


@dataclass(frozen=True)
class Output:
    """How a run reports what it did: the format, the extra reports, the streams.

    A document format (json, github, sarif) has stdout to itself: diffs,
    ``--show-fixes`` and ``--statistics`` go to stderr then.  When stdout
    carries fixed code (standard input, written), the report goes to stderr.
    """

    format: OutputFormat = "text"
    statistics: bool = False
    show_fixes: bool = False
    exit_zero: bool = False
    quiet: bool = False
    colour: bool = False
    stdout_taken: bool = False

    @property
    def document(self) -> bool:
        return self.format != "text"

    @property
    def extras_to_stderr(self) -> bool:
        """Where diffs, fix lists and statistics go: stdout is busy."""
        return self.document or self.stdout_taken


@click.command(
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, allow_dash=True, path_type=str),
)
@click.option("--diff", is_flag=True, help="Print unified diffs to stdout; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="The name of the file read from `-`, for messages, config and excludes.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Rule codes or prefixes to run (comma-separated; default: all).",
)
@click.option(
    "--ignore", multiple=True, metavar="CODES", help="Rule codes or prefixes to skip."
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="PATTERNS",
    help="Gitignore-style patterns to skip, replacing the defaults (.git, .venv, build, ...).",
)
@click.option(
    "--extend-exclude",
    multiple=True,
    metavar="PATTERNS",
    help="Patterns to skip in addition to the defaults.",
)
@click.option(
    # A pair, so that a flag can win over `force-exclude = true` in the config.
    "--force-exclude/--no-force-exclude",
    default=None,
    help="Apply the excludes to files named on the command line too (for pre-commit).",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Skip files matched by .gitignore (default: on).",
)
@click.option(
    "--event-loop",
    type=click.Choice(EVENT_LOOPS),
    default=None,
    help="Library the fixed code awaits; auto follows each module's imports.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read [tool.asyncfix] from this file instead of the nearest pyproject.toml.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Worker processes (default: the number of CPUs).",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the diff (default: when stdout is a terminal and NO_COLOR is unset).",
)
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="How findings are printed: text lines (default), a json list, github (Actions "
    "annotations) or sarif (code scanning); the last three alone on stdout.",
)
@click.option(
    "--statistics",
    "show_statistics",
    is_flag=True,
    help="After the run, count the calls fixed and left per rule.",
)
@click.option(
    "--show-fixes",
    "list_fixes",
    is_flag=True,
    help="After the run, list the fixes made (or that would be made) per file and rule.",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when files changed or calls are left (and when files could not be "
    "read or parsed); 2 and internal errors still count.",
)
@click.option(
    "--explain",
    metavar="CODE",
    expose_value=False,
    is_eager=True,
    callback=_explain,
    help="Explain a rule (what it finds, why it blocks, the fix, an example) and exit.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the cache (.asyncfix_cache/ at the project root, or "
    "$ASYNCFIX_CACHE_DIR).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings and errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Also say which files were skipped and why.")
@click.version_option(__version__, "--version", prog_name="asyncfix")
def main(
    paths: tuple[str, ...],
    diff: bool,
    check: bool,
    stdin_filename: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool | None,
    respect_gitignore: bool | None,
    event_loop: str | None,
    config_file: Path | None,
    jobs: int | None,
    color: bool | None,
    output_format: OutputFormat | None,
    show_statistics: bool,
    list_fixes: bool,
    exit_zero: bool,
    quiet: bool,
    verbose: bool,
    no_cache: bool,
) -> None:
    """Fix blocking calls inside `async def`.

    Rewrites each PATH (a file, a directory walked for *.py files, or - for
    standard input) so that coroutines stop stalling the event loop:
    time.sleep(x) becomes await asyncio.sleep(x), requests.get(...) becomes
    an aiohttp `async with` block.  Calls that cannot be fixed without
    changing behaviour are reported, never rewritten.
    """
    uses_stdin = "-" in paths
    if uses_stdin and len(paths) > 1:
        _fail("`-` (standard input) cannot be combined with other paths")
    named = [Path(stdin_filename)] if uses_stdin and stdin_filename else []
    named += [Path(p) for p in paths if p != "-"]
    root = find_project_root(named)
    try:
        config = _read_config(config_file, named)
    except ConfigError as error:
        _fail(str(error))
    _check_option_values(
        select=select, ignore=ignore, exclude=exclude, extend_exclude=extend_exclude
    )
    settings_kwargs: dict[str, Any] = {
        "select": _split(select) or tuple(config.get("select", ("ALL",))),
        "ignore": _split(ignore) or tuple(config.get("ignore", ())),
        "event_loop": event_loop or config.get("event-loop", "auto"),
        "blocking_calls": blocking_calls(config.get("blocking-calls", {})),
        "min_python": target_version(config.get("target-version", "py39")),
    }
    settings = Settings(**settings_kwargs)
    discovery = Discovery(
        root=root,
        exclude=[
            *(_split(exclude) or config.get("exclude", DEFAULT_EXCLUDES)),
            *(_split(extend_exclude) or config.get("extend-exclude", ())),
        ],
        force_exclude=_pick(force_exclude, config.get("force-exclude"), False),
        respect_gitignore=_pick(respect_gitignore, config.get("respect-gitignore"), True),
    )
    use_colour = _colour(color)
    write = not (diff or check)
    output = Output(
        format=output_format or config.get("output-format", "text"),
        statistics=show_statistics,
        show_fixes=list_fixes,
        exit_zero=exit_zero,
        quiet=quiet,
        colour=use_colour,
        stdout_taken=uses_stdin and write,
    )
    if uses_stdin:
        sys.exit(_run_stdin(stdin_filename, settings, discovery, diff, check, output))
    files = discovery.files([Path(p) for p in paths])
    if verbose:
        for skipped in discovery.skipped:
            click.echo(f"skipped {skipped}", err=True)
    work = [Job(str(f), _display(f), write=write, diff=diff) for f in files]
    removed = remove_leftovers(discovery.leftovers) if write else []
    for leftover in removed if not quiet else ():
        click.echo(f"removed {leftover} (left by an interrupted run)", err=True)
    cache = None if no_cache else Cache.open(cache_dir(root), settings)
    results = _run_files(work, settings, jobs, cache, check=check, output=output)
    if verbose and cache is not None and cache.problem:
        click.echo(f"cache: {cache.problem}", err=True)
    status = _finish(results, write=write, output=output)
    if not quiet:
        if not files:
            click.echo(_nothing_found(len(discovery.skipped), verbose), err=True)
        else:
            click.echo(summary(results, write=write), err=True)
    sys.exit(status)


def _run_files(
    work: Sequence[Job],
    settings: Settings,
    jobs: int | None,
    cache: Cache | None,
    *,
    check: bool,
    output: Output,
) -> list[FileResult]:
    """Every file's result, printed as it comes, under a progress bar when the run is long."""
    label = "Fixing" if work and work[0].write else "Checking"
    progress = Progress.for_run(len(work), quiet=output.quiet, label=label)
    results: list[FileResult] = []
    try:
        for result in run_all(work, settings, jobs or default_jobs(), cache, tune_gc=_own_process):
            if result != FileResult(result.path):  # something may be printed
                progress.clear()
            _print_result(result, check=check, output=output)
            results.append(result)
            progress.advance()
    finally:
        progress.close()
    if cache is not None:
        cache.save()
    return results


def _check_option_values(**options: tuple[str, ...]) -> None:
    """Fail (exit 2) on an unknown rule code or an invalid exclude pattern."""
    for name, values in options.items():
        flag = "--" + name.replace("_", "-")
        for value in _split(values) or ():
            if name in ("select", "ignore"):
                try:
                    select_rules(Settings(select=(value,)))
                except ValueError as error:
                    _fail(f"{flag}: {error}")
            else:
                problem = pattern_error(value)
                if problem is not None:
                    _fail(f"{flag}: {problem}")


def _nothing_found(skipped: int, verbose: bool) -> str:
    """Say so when everything named was skipped: the user may not expect it."""
    if not skipped:
        return "No Python files found; nothing to do."
    paths = "path" if skipped == 1 else "paths"
    hint = "" if verbose else "; -v lists them"
    return f"No Python files found; nothing to do ({skipped} {paths} skipped{hint})."


def _read_config(config_file: Path | None, named: Sequence[Path]) -> dict[str, Any]:
    path = config_file or find_pyproject(common_parent(named))
    return load(path) if path is not None else {}


def _pick(flag: bool | None, configured: bool | None, default: bool) -> bool:
    if flag is not None:
        return flag
    return default if configured is None else configured


def _colour(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _display(path: Path) -> str:
    """The path as the user will recognise it: relative to cwd when inside it."""
    text = os.path.normpath(path)
    if os.path.isabs(text):
        try:
            return Path(text).relative_to(Path.cwd()).as_posix()
        except ValueError:
            return Path(text).as_posix()
    return Path(text).as_posix()


def _print_result(result: FileResult, *, check: bool, output: Output) -> None:
    """What is printed for one file as soon as it is done (a tree walk, not stdin)."""
    if result.error:
        click.echo(f"{result.path}: {result.error}", err=True)
    if result.diff:
        _echo_diff(result.diff, output.colour, err=output.document)
    if result.changed and not output.quiet:
        if result.written:
            click.echo(f"fixed {result.path} ({len(result.fixes)})", err=True)
        elif check:
            click.echo(f"would fix {result.path}", err=True)
    if not output.document:
        for line in text_lines(result):
            click.echo(line)


def _finish(results: Sequence[FileResult], *, write: bool, output: Output) -> int:
    """The document, ``--show-fixes``, ``--statistics``; the exit status."""
    if output.document:
        document = render(output.format, results)
        if document:  # github: no annotations, no lines
            click.echo(document, err=output.stdout_taken)
    extras = (
        show_fixes(results, write=write) if output.show_fixes else "",
        statistics(results, write=write) if output.statistics else "",
    )
    for text in extras:
        if text:
            click.echo(text, err=output.extras_to_stderr)
    return _exit_code(results, exit_zero=output.exit_zero)


def _run_stdin(
    filename: str | None,
    settings: Settings,
    discovery: Discovery,
    diff: bool,
    check: bool,
    output: Output,
) -> int:
    display = Path(filename).as_posix() if filename else "-"
    data = sys.stdin.buffer.read()
    write = not (diff or check)
    if filename and discovery.force_exclude and discovery.excluded(Path(filename), is_dir=False):
        if write:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return _finish([], write=write, output=output)
    result = run_data(data, display, settings, diff=diff)
    if result.error:
        # Like black: nothing on stdout, so that `asyncfix - < f > g` or an
        # editor that ignores the exit code cannot take the input for output.
        # A document on stderr (stdout would carry the code) has stderr alone.
        if not (output.document and output.stdout_taken):
            click.echo(f"{display}: {result.error}", err=True)
        return _finish([result], write=write, output=output)
    if diff and result.diff:
        _echo_diff(result.diff, output.colour, err=output.document)
    elif write:
        sys.stdout.buffer.write(result.output if result.output is not None else data)
        sys.stdout.flush()
        # The fixed code went out: the fixes are applied, as in a written file.
        result = replace(result, written=result.changed)
    if check and result.changed and not output.quiet:
        click.echo(f"would fix {display}", err=True)
    if not output.document:
        # stdout carries the code (or the diff): finding lines go to stderr here.
        for line in text_lines(result):
            click.echo(line, err=True)
    return _finish([result], write=write, output=output)


def _echo_diff(diff: str, colour: bool, *, err: bool = False) -> None:
    # color=True: click would strip the codes again when stdout is a pipe,
    # and --color exists precisely for pipes (`| less -R`, CI logs).
    if colour:
        click.echo(colour_diff(diff), nl=False, color=True, err=err)
    else:
        click.echo(diff, nl=False, err=err)


def _exit_code(results: Sequence[FileResult], *, exit_zero: bool = False) -> int:
    """123 for a file that failed, else 1 for a change or a finding, else 0.

    ``--exit-zero``, like ruff's, makes it 0 whatever was found, including
    files that could not be read or parsed (ruff reports those as
    diagnostics); a failed write or an internal error still exits 123, as
    ruff still exits 2 when it fails itself.
    """
    errors = [r.error for r in results if r.error]
    if any(not (exit_zero and is_input_problem(error)) for error in errors):
        return EXIT_ERROR
    if exit_zero:
        return EXIT_OK
    if any(r.changed or r.findings for r in results):
        return EXIT_CHANGES
    return EXIT_OK


# Set by entry(): the process is asyncfix's own (the ``asyncfix`` command,
# ``python -m asyncfix``), not a caller's (click's CliRunner, an embedding
# program): only then may a run tune the process's garbage collector.
_own_process = False


def entry() -> None:
    """The ``asyncfix`` command."""
    global _own_process
    _own_process = True
    main(prog_name="asyncfix")
