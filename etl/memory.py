"""Giving freed memory back to the operating system between the big steps of a load.

pandas and the DB driver free their blocks when a file's or a batch's frames go, but glibc's
allocator keeps most of the freed heap mapped to the process, so the next step (the peer
matcher after a national derivation in batches) grows on top of it and the process's peak
follows the sum of the steps, not the largest one. `give_back` collects cyclic garbage and
asks glibc to return its free pages (`malloc_trim`); elsewhere it only collects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache


@cache
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def give_back() -> bool:
    """Collect garbage and return free heap pages to the system; True when glibc trimmed."""
    gc.collect()
    trim = _malloc_trim()
    return bool(trim is not None and trim(0))
