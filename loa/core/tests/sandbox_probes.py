"""Functions the sandbox tests run in a child process (a child finds functions by module name)."""

import os
import resource
import signal
import time

from django.utils.translation import gettext_noop

from loa.core.sandbox import Refused


def echo(value):
    return value


def limits():
    """What the child runs under: its pid, and its address space and CPU limits."""
    return {
        "pid": os.getpid(),
        "as": resource.getrlimit(resource.RLIMIT_AS)[0],
        "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0],
    }


def hog_memory(megabytes):
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def spin():
    while True:
        pass


def sleep(seconds):
    time.sleep(seconds)
    return "woke up"


def crash():
    os.kill(os.getpid(), signal.SIGSEGV)


def fail():
    raise KeyError("word/document.xml")


def refuse():
    raise Refused(
        "zip_bomb",
        gettext_noop(
            "The file%(name)s unpacks to far more data than a real document holds: it was not opened, for safety."
        ),
    )


def big_result(megabytes):
    return b"x" * (megabytes * 1024 * 1024)


def count(n):
    for i in range(n):
        yield [i] * 1000


def hostile_pickle():
    """What a child taken over could send: an object that runs a command when unpickled."""

    class Evil:
        def __reduce__(self):
            return (os.system, ("touch /tmp/loa-sandbox-pwned",))

    return Evil()
