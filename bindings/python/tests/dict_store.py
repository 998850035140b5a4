"""A store written in Python, for the tests and as the model docs/python.md describes.

Records live in a dict keyed by (region, address). Isolation: one lock held from
begin to commit or rollback, by reads too (the simplest serializable store; the
lock is a threading.Lock, whose acquire releases the GIL while it waits, so a
thread blocked in begin never stops the one holding the lock). Rollback puts
back a copy of the dicts taken at begin(write).
"""

import threading

import libptr


class DictStore(libptr.Store):
    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self.rows = {}
        self._saved = None

    def begin(self, write):
        self._lock.acquire()
        self._saved = dict(self.rows) if write else None
        return "write" if write else "read"

    def commit(self, txn):
        self._saved = None
        self._lock.release()

    def rollback(self, txn):
        if txn == "write":
            self.rows = self._saved
        self._saved = None
        self._lock.release()

    def _writing(self, txn):
        if txn != "write":
            raise libptr.PtrError("PTR_E_INVAL", "a write outside a write transaction")

    def get(self, txn, region, address):
        return self.rows.get((region, address))

    def insert(self, txn, record):
        self._writing(txn)
        key = (record.region, record.address)
        if key in self.rows:
            raise libptr.PtrError("PTR_E_EXISTS")
        self.rows[key] = record

    def replace(self, txn, record):
        self._writing(txn)
        key = (record.region, record.address)
        if key not in self.rows:
            raise libptr.PtrError("PTR_E_NOT_FOUND")
        self.rows[key] = record

    def remove(self, txn, region, address):
        self._writing(txn)
        if self.rows.pop((region, address), None) is None:
            raise libptr.PtrError("PTR_E_NOT_FOUND")

    def count_owner(self, txn, owner):
        return sum(1 for r in self.rows.values() if r.owner == owner)

    def scan(self, txn, filter, after):
        after_key = libptr.address_key(after) if after else None
        mine = [r for (region, _), r in self.rows.items() if region == filter.region]
        mine.sort(key=lambda r: libptr.address_key(r.address))
        for r in mine:
            if after_key is None or libptr.address_key(r.address) > after_key:
                yield r

    def count(self, txn, filter):
        return sum(1 for r in self.rows.values() if filter.matches(r))


class LimitDictStore(DictStore):
    """DictStore with per-owner limits kept in the store (the four optional methods)."""

    def __init__(self):
        super().__init__()
        self.limits = {}

    def begin(self, write):
        txn = super().begin(write)
        self._saved_limits = dict(self.limits) if write else None
        return txn

    def rollback(self, txn):
        if txn == "write":
            self.limits = self._saved_limits
        super().rollback(txn)

    def owner_limit_get(self, txn, owner):
        return self.limits.get(owner)

    def owner_limit_set(self, txn, owner, limit):
        self._writing(txn)
        self.limits[owner] = limit

    def owner_limit_remove(self, txn, owner):
        self._writing(txn)
        if self.limits.pop(owner, None) is None:
            raise libptr.PtrError("PTR_E_NOT_FOUND")

    def owner_limit_scan(self, txn):
        return sorted(self.limits.items(), key=lambda kv: kv[0].encode())
