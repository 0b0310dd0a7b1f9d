#!/usr/bin/env python3
"""with_tty.py PASSPHRASE CMD...: run CMD with a pseudo-terminal as its
controlling terminal, typing PASSPHRASE whenever it prompts for one.
WITH_TTY_STDOUT=1 / WITH_TTY_STDERR=1 leave the pty as CMD's stdout /
stderr too, and WITH_TTY_ECHO=1 copies what CMD writes to the pty to our
stdout, for tests of terminal-only behaviour.

age reads passphrases only from a terminal, so the interop tests drive
`age -e -p` and `age -d` (and `sluice pack -p`) through this.  CMD's
stdin/stdout stay as given (files or pipes); only /dev/tty is the pty.
Exit status: CMD's.
"""
import os
import pty
import select
import sys
import time


def main():
    passphrase = sys.argv[1].encode() + b"\n"
    cmd = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        # The pty became stdin/stdout/stderr; put the real ones back so
        # data flows through files, and only prompts use /dev/tty.
        os.dup2(saved_in, 0)
        if not os.environ.get("WITH_TTY_STDOUT"):  # set it to test "stdout is a terminal"
            os.dup2(saved_out, 1)
        if not os.environ.get("WITH_TTY_STDERR"):  # set it to see what CMD draws on a terminal
            os.dup2(saved_err, 2)
        os.execvp(cmd[0], cmd)
    seen = b""
    deadline = time.time() + 300
    status = None
    while time.time() < deadline:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        # Until CMD opens /dev/tty no slave end is open and reads fail
        # with EIO: wait and try again rather than give up.
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            time.sleep(0.05)
            continue
        seen += chunk
        if os.environ.get("WITH_TTY_ECHO"):  # copy the terminal's output to our stdout
            os.write(saved_out, chunk)
        low = seen.lower()
        idx = low.find(b"passphrase")
        if idx >= 0 and b":" in seen[idx:]:
            os.write(fd, passphrase)
            seen = seen[idx + seen[idx:].find(b":") + 1:]
    if status is None:
        os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


saved_in = os.dup(0)
saved_out = os.dup(1)
saved_err = os.dup(2)
if __name__ == "__main__":
    main()
