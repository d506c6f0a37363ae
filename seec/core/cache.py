"""The project's Redis cache: Django's, with one client object per connection pool.

Django's client builds a new `redis.Redis` for every cache call, and redis-py fills a table
of several hundred response callbacks in each one's constructor: on the public pages served
from the cache, that cost as much CPU as the round trip itself. A `redis.Redis` is safe to
share between threads (each command takes a connection from the pool), so one is kept per
pool and reused."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
