"""A counting ptr_allocator: the C library's malloc, realloc and free, counted."""

from __future__ import annotations

import ctypes
import threading
from typing import Dict

from . import _native as N

_libc = ctypes.CDLL(None)
_malloc = _libc.malloc
_malloc.restype, _malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
_realloc = _libc.realloc
_realloc.restype, _realloc.argtypes = ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_size_t]
_free = _libc.free
_free.restype, _free.argtypes = None, [ctypes.c_void_p]


class CountingAllocator:
    """A ``ptr_allocator`` that counts what libptr allocates through it.

    Give it to :class:`libptr.MemoryStore`, :class:`libptr.SQLiteStore` and
    :class:`libptr.Service` (their ``allocator=`` argument): every block the C
    library allocates for them — records, the service's buffers, list pages, the
    memory store's tables — goes through it, so :attr:`live_blocks` and
    :attr:`live_bytes` are what libptr holds right now. A leak check runs many
    calls and compares them before and after.

    It calls back into Python for every allocation (taking the GIL), so it is for
    tests and measurements, not for production.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sizes: Dict[int, int] = {}
        self.calls = 0
        self.live_bytes = 0
        self._keep = (N.MALLOC_FN(self._on_malloc), N.REALLOC_FN(self._on_realloc),
                      N.FREE_FN(self._on_free))
        self._c = N.ptr_allocator(self._keep[0], self._keep[1], self._keep[2], None)

    @property
    def live_blocks(self) -> int:
        """Blocks allocated and not yet freed."""
        return len(self._sizes)

    def _on_malloc(self, _ctx, size):
        p = _malloc(size)
        if p:
            with self._lock:
                self.calls += 1
                self._sizes[p] = size
                self.live_bytes += size
        return p

    def _on_realloc(self, _ctx, ptr, size):
        p = _realloc(ptr, size)
        if p:
            with self._lock:
                self.calls += 1
                self.live_bytes += size - (self._sizes.pop(ptr, 0) if ptr else 0)
                self._sizes[p] = size
        return p

    def _on_free(self, _ctx, ptr):
        with self._lock:
            self.live_bytes -= self._sizes.pop(ptr, 0)
        _free(ptr)
