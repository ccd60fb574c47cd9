#!/usr/bin/python3
"""Runs a command under the system call sandbox of a systemd unit, without systemd.

    sandbox-exec.py UNIT-FILE COMMAND [ARG...]

CI runs in a container where systemd is not PID 1, so the unit cannot be started for real. This
applies the parts of its sandbox that decide whether the .NET runtime can run at all, with the
kernel's own mechanisms, then execs COMMAND:

- SystemCallFilter= (allow lists and ~deny lists, @groups expanded by `systemd-analyze
  syscall-filter`, so the lists are exactly those of the installed systemd) and
  SystemCallArchitectures=native, as a seccomp filter. A call outside the filter kills the process
  (SIGSYS) rather than failing with the unit's SystemCallErrorNumber=EPERM: a call the runtime
  makes but does not need must show up here, not be swallowed.
- RestrictAddressFamilies=: socket() with another family kills the process too.
- MemoryDenyWriteExecute=yes, as the kernel's PR_SET_MDWE (PR_MDWE_REFUSE_EXEC_GAIN: no mapping
  both writable and executable, no mapping made executable later), the same rule systemd enforces
  with seccomp. A JIT cannot run under it; Native AOT code must.
- NoNewPrivileges=yes (which seccomp needs anyway).

Needs python3-seccomp (Debian) and Linux 6.3 or later for PR_SET_MDWE.
"""

import ctypes
import functools
import os
import socket
import subprocess
import sys

import seccomp

PR_SET_NO_NEW_PRIVS = 38
PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1


def unit_settings(path):
    """The [Service] assignments of a unit file, each key with every value in order."""
    settings = {}
    section = None
    with open(path, encoding="utf-8") as unit:
        for raw in unit:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            if section == "[Service]" and "=" in line:
                key, value = line.split("=", 1)
                settings.setdefault(key.strip(), []).append(value.strip())
    return settings


@functools.lru_cache(maxsize=None)
def expand(name):
    """A system call name, or every call of a @group (recursively)."""
    if not name.startswith("@"):
        return frozenset([name])
    listing = subprocess.run(
        ["systemd-analyze", "syscall-filter", name], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    calls = set()
    for line in listing[1:]:
        entry = line.strip()
        if entry and not entry.startswith("#"):
            calls |= expand(entry)
    return frozenset(calls)


def allowed_calls(filters):
    """systemd's rule: the first non-~ list starts an allow list; ~ lists remove from it, later lists add."""
    allowed = set()
    for value in filters:
        deny = value.startswith("~")
        names = value.lstrip("~").split()
        calls = set().union(*(expand(n) for n in names)) if names else set()
        if deny:
            allowed -= calls
        else:
            allowed |= calls
    return allowed


def resolvable(name):
    """Calls of other architectures (arm_fadvise64_64, the 32-bit ones) are left out, as systemd does."""
    try:
        return seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) >= 0
    except (ValueError, RuntimeError):
        return False


FAMILIES = {"AF_INET": socket.AF_INET, "AF_INET6": socket.AF_INET6, "AF_UNIX": socket.AF_UNIX, "AF_NETLINK": socket.AF_NETLINK}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    settings = unit_settings(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)

    if settings.get("NoNewPrivileges", ["no"])[-1] == "yes" or "SystemCallFilter" in settings:
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            sys.exit("sandbox-exec: PR_SET_NO_NEW_PRIVS failed: errno %d" % ctypes.get_errno())

    if settings.get("MemoryDenyWriteExecute", ["no"])[-1] == "yes":
        if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
            sys.exit("sandbox-exec: PR_SET_MDWE failed (Linux 6.3 or later needed): errno %d" % ctypes.get_errno())

    filters = settings.get("SystemCallFilter", [])
    if filters:
        calls = sorted(c for c in allowed_calls(filters) if resolvable(c))
        families = [FAMILIES[f] for v in settings.get("RestrictAddressFamilies", []) for f in v.split()]
        # Default: kill. SystemCallArchitectures=native: the filter is for the native architecture only.
        rules = seccomp.SyscallFilter(defaction=seccomp.KILL_PROCESS)
        for call in calls:
            if call == "socket" and families:
                for family in families:
                    rules.add_rule(seccomp.ALLOW, call, seccomp.Arg(0, seccomp.EQ, family))
            else:
                rules.add_rule(seccomp.ALLOW, call)
        rules.load()

    os.execvp(sys.argv[2], sys.argv[2:])


if __name__ == "__main__":
    main()
