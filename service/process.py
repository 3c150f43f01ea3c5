"""Child processes that die with their parent, even when the parent is killed with SIGKILL.

Linux's parent-death signal (prctl PR_SET_PDEATHSIG) is set in the child between fork and exec,
so no window exists where the child runs without it. Elsewhere children are only stopped by a
living supervisor (SIGKILL of the supervisor then leaves them running: use systemd there).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# Loaded in the parent: the child only calls it between fork and exec.
_LIBC = None
if sys.platform == "linux":
    _LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def set_parent_death_signal(signum: int = signal.SIGTERM) -> bool:
    """Have the kernel send `signum` to this process when its parent exits (False: unsupported)."""
    if _LIBC is None:
        return False
    return _LIBC.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0


def _die_with(parent_pid: int, signum: int):
    def preexec() -> None:
        set_parent_death_signal(signum)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def spawn(
    argv: Sequence[str],
    env: dict | None = None,
    pass_fds: Sequence[int] = (),
    death_signal: int = signal.SIGTERM,
    **popen_kwargs,
) -> subprocess.Popen:
    """Start `argv` in its own process group, bound to live no longer than this process.

    Own process group: the terminal's Ctrl-C reaches only the supervisor, which then stops the
    children in order (Redis last).
    """
    return subprocess.Popen(
        list(argv),
        env=env,
        process_group=0,
        pass_fds=tuple(pass_fds),
        preexec_fn=_die_with(os.getpid(), death_signal),
        **popen_kwargs,
    )


def exit_description(code: int | None) -> str:
    """`exit code 1` or `killed by SIGKILL` for a Popen return code."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
