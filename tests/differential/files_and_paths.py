"""ASYNC230 and ASYNC240: opening files, ``os.path`` and ``pathlib.Path`` I/O."""

from __future__ import annotations

import io
import os
import os.path
import pathlib
from pathlib import Path, PurePath
from typing import Optional


async def open_calls(name: str) -> bytes:
    open(name)
    io.open(name)
    io.open_code(name)
    pathlib.Path(name).open()
    Path(name).open()
    path = Path(name)
    path.open()
    with open(name, "rb") as file:
        return file.read()


async def os_path_io(name: str, other: str, fd: int) -> None:
    os.path.abspath(name)
    os.path.exists(name)
    os.path.expanduser(name)
    os.path.getatime(name)
    os.path.getctime(name)
    os.path.getmtime(name)
    os.path.getsize(name)
    os.path.isdir(name)
    os.path.isfile(name)
    os.path.islink(name)
    os.path.ismount(name)
    os.path.lexists(name)
    os.path.realpath(name)
    os.path.relpath(name)
    os.path.normpath(name)
    os.path.samefile(name, other)
    os.path.sameopenfile(fd, fd)
    os.path.isjunction(name)
    os.path.isdevdrive(name)


async def os_path_pure(name: str, other: str) -> None:
    # pure string operations: neither tool reports them
    os.path.basename(name)
    os.path.dirname(name)
    os.path.join(name, other)
    os.path.split(name)
    os.path.splitext(name)
    os.path.isabs(name)
    os.path.normcase(name)
    os.path.commonpath([name, other])
    os.path.expandvars(name)


async def path_made_inline(name: str, other: str) -> None:
    Path(name).absolute()
    Path(name).chmod(0o644)
    Path(name).exists()
    Path(name).expanduser()
    Path(name).glob("*")
    Path(name).group()
    Path(name).hardlink_to(other)
    Path(name).is_block_device()
    Path(name).is_char_device()
    Path(name).is_dir()
    Path(name).is_fifo()
    Path(name).is_file()
    Path(name).is_junction()
    Path(name).is_mount()
    Path(name).is_socket()
    Path(name).is_symlink()
    Path(name).iterdir()
    Path(name).lchmod(0o644)
    Path(name).link_to(other)
    Path(name).lstat()
    Path(name).mkdir(parents=True)
    Path(name).owner()
    Path(name).read_bytes()
    Path(name).read_text()
    Path(name).readlink()
    Path(name).rename(other)
    Path(name).replace(other)
    Path(name).resolve()
    Path(name).rglob("*")
    Path(name).rmdir()
    Path(name).samefile(other)
    Path(name).stat()
    Path(name).symlink_to(other)
    Path(name).touch()
    Path(name).unlink()
    Path(name).walk()
    Path(name).write_bytes(b"")
    Path(name).write_text("")
    Path(name).cwd()
    Path(name).home()
    pathlib.Path(name).exists()
    pathlib.PosixPath(name).is_file()
    pathlib.WindowsPath(name).is_file()


async def path_methods_added_later(name: str, other: str) -> None:
    # Python 3.14: copy, copy_into, move, move_into
    Path(name).copy(other)
    Path(name).copy_into(other)
    Path(name).move(other)
    Path(name).move_into(other)


async def path_pure(name: str) -> None:
    # pure operations: neither tool reports them
    Path(name).with_suffix(".txt")
    Path(name).with_name("x")
    Path(name).joinpath("x")
    Path(name).relative_to("/")
    Path(name).is_absolute()
    Path(name).as_posix()
    Path(name).match("*.py")


async def path_in_a_name(name: str) -> str:
    path = Path(name)
    path.exists()
    path.is_file()
    path.mkdir(exist_ok=True)
    path.stat()
    path.unlink()
    path.iterdir()
    path.write_text("x")
    return path.read_text()


async def path_annotated(path: Path, maybe: Optional[Path], either: Path | None) -> None:
    path.exists()
    path.read_bytes()
    if maybe is not None:
        maybe.is_dir()
    if either is not None:
        either.touch()


async def path_annotated_assignment(name: str) -> None:
    target: Path = Path(name)
    target.exists()


async def pure_path(name: str, pure: PurePath) -> None:
    pure.exists()
    PurePath(name).exists()


class Store:
    async def load(self, name: str) -> str:
        if os.path.exists(name):
            return Path(name).read_text()
        with open(name) as file:
            return file.read()


# -- sync contexts: nothing to report ----------------------------------------------

HERE = os.path.abspath(__file__)
DATA = Path(HERE).parent / "data"
EXISTS = DATA.exists()


def sync_files(name: str) -> str:
    if os.path.isfile(name) and Path(name).exists():
        with open(name) as file:
            return file.read()
    path = Path(name)
    path.mkdir()
    return io.open(name).read() + path.read_text()
