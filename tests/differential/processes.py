"""ASYNC220, ASYNC221, ASYNC222: processes started, run and waited for."""

import os
import subprocess


async def create_subprocess(cmd: str, argv: list) -> None:
    subprocess.Popen(cmd)
    os.popen(cmd)
    os.spawnl(os.P_NOWAIT, "/bin/true", "true")
    os.spawnle(os.P_NOWAIT, "/bin/true", "true", {})
    os.spawnlp(os.P_NOWAIT, "true", "true")
    os.spawnlpe(os.P_NOWAIT, "true", "true", {})
    os.spawnv(os.P_NOWAIT, "/bin/true", argv)
    os.spawnve(os.P_NOWAIT, "/bin/true", argv, {})
    os.spawnvp(os.P_NOWAIT, "true", argv)
    os.spawnvpe(os.P_NOWAIT, "true", argv, {})
    os.spawnv(mode=os.P_NOWAIT, file="/bin/true", args=argv)
    with subprocess.Popen(argv) as process:
        process.wait()


async def run_process(cmd: str, argv: list, env: dict) -> None:
    os.system(cmd)
    os.posix_spawn("/bin/true", argv, env)
    os.posix_spawnp("true", argv, env)
    subprocess.run(argv, check=True)
    subprocess.call(argv)
    subprocess.check_call(argv)
    subprocess.check_output(argv)
    subprocess.getoutput(cmd)
    subprocess.getstatusoutput(cmd)


async def spawn_and_wait(argv: list, spawn_args: tuple) -> None:
    os.spawnl(os.P_WAIT, "/bin/true", "true")
    os.spawnle(os.P_WAIT, "/bin/true", "true", {})
    os.spawnlp(os.P_WAIT, "true", "true")
    os.spawnlpe(os.P_WAIT, "true", "true", {})
    os.spawnv(os.P_WAIT, "/bin/true", argv)
    os.spawnve(os.P_WAIT, "/bin/true", argv, {})
    os.spawnvp(os.P_WAIT, "true", argv)
    os.spawnvpe(os.P_WAIT, "true", argv, {})
    os.spawnv(mode=os.P_WAIT, file="/bin/true", args=argv)
    mode = os.P_WAIT
    os.spawnv(mode, "/bin/true", argv)
    os.spawnv(*spawn_args)


async def wait_for_process(pid: int) -> None:
    os.wait()
    os.wait3(0)
    os.wait4(pid, 0)
    os.waitid(os.P_PID, pid, os.WEXITED)
    os.waitpid(pid, 0)


class Runner:
    async def run(self, argv: list) -> str:
        subprocess.run(argv)
        return subprocess.check_output(argv, text=True)


# -- sync contexts: nothing to report ----------------------------------------------

os.system("true")


def sync_processes(cmd: str, argv: list, pid: int) -> None:
    subprocess.Popen(argv)
    os.popen(cmd)
    os.spawnv(os.P_NOWAIT, "/bin/true", argv)
    os.spawnv(os.P_WAIT, "/bin/true", argv)
    os.system(cmd)
    subprocess.run(argv)
    subprocess.getoutput(cmd)
    os.waitpid(pid, 0)
