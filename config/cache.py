"""Redis as an accelerator that may fail: the shared cache, never a single point of failure.

With Redis unreachable every cache read is a miss and every write is skipped, so pages render
without their cached parts and sessions are read from the database (`cached_db`): slower, never
broken. After a failure the process leaves Redis alone for `RETRY_SECONDS` instead of paying a
connection timeout on every call; the health check asks Redis itself and says "degraded".

A write or delete this process had to skip may leave an entry in Redis that no longer matches the
database (a session that was signed out, a renewed session). Redis may come back with its data (a
network cut, a paused server), so the first thing this process does when Redis answers again is to
empty the cache database it skipped writes to. The cache only ever holds copies: emptying it costs
a refill, never data. This is why `CACHE_URL` must name a Redis database of this app's own.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._state_lock = threading.Lock()
        self._down_until = 0.0  # monotonic time before which Redis is not tried again
        self._outage = False  # Redis failed and has not answered since
        self._skipped_writes = False  # a write or delete was dropped during the outage

    # --- the breaker --------------------------------------------------------------------------
    def _call(self, method, args, kwargs, *, default=None, writes=False):
        if not self._usable(writes):
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(error, writes)
            return default

    def _usable(self, writes: bool) -> bool:
        with self._state_lock:
            if not self._outage:
                return True
            if time.monotonic() < self._down_until:
                self._skipped_writes |= writes
                return False
            must_clear = self._skipped_writes
        # Time to try again: if writes were skipped, the stale entries go before anything is read.
        try:
            if must_clear:
                super().clear()
            else:
                self._cache.get_client(write=True).ping()
        except UNREACHABLE as error:
            self._failed(error, writes)
            return False
        with self._state_lock:
            self._outage = False
            self._skipped_writes = False
        logger.warning(
            "Redis answers again%s.", ": cache emptied of entries skipped during the outage" if must_clear else ""
        )
        return True

    def _failed(self, error, writes: bool) -> None:
        with self._state_lock:
            first = not self._outage
            self._outage = True
            self._skipped_writes |= writes
            self._down_until = time.monotonic() + RETRY_SECONDS
        if first:
            logger.error("Redis unreachable (%s): serving without the shared cache, sessions from the database.", error)

    def ping(self) -> bool:
        """Whether Redis answers now (the health check; bypasses the breaker)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE:
            return False

    # --- the cache API, each call through the breaker -----------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", (key, value, timeout, version), {}, default=False, writes=True)

    def get(self, key, default=None, version=None):
        return self._call("get", (key, default, version), {}, default=default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", (key, value, timeout, version), {}, writes=True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", (key, timeout, version), {}, default=False, writes=True)

    def delete(self, key, version=None):
        return self._call("delete", (key, version), {}, default=False, writes=True)

    def get_many(self, keys, version=None):
        return self._call("get_many", (keys, version), {}, default={})

    def has_key(self, key, version=None):
        return self._call("has_key", (key, version), {}, default=False)

    def incr(self, key, delta=1, version=None):
        # No counter of this app lives in the cache; a caller of incr needs to know it failed.
        return super().incr(key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", (data, timeout, version), {}, default=list(data), writes=True)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", (keys, version), {}, writes=True)

    def clear(self):
        return self._call("clear", (), {}, default=False, writes=True)
