"""Django's PostgreSQL connection pool (qiaocamp/settings.py: postgres_pool_options) and the test database."""

import threading

import pytest
from django.db import connection, connections

from qiaocamp.settings import postgres_pool_options


def test_pool_defaults():
    assert postgres_pool_options({}) == {"min_size": 2, "max_size": 10, "timeout": 10.0, "max_idle": 300}


def test_pool_sizes_from_the_environment():
    options = postgres_pool_options(
        {"QIAOCAMP_DB_POOL_MIN": "1", "QIAOCAMP_DB_POOL_MAX": "4", "QIAOCAMP_DB_POOL_TIMEOUT": "2.5"}
    )
    assert (options["min_size"], options["max_size"], options["timeout"]) == (1, 4, 2.5)


@pytest.mark.parametrize("environ", [{"QIAOCAMP_DB_POOL": "0"}, {"QIAOCAMP_DB_POOL": "off"}, {"DB_CONN_MAX_AGE": "60"}])
def test_pool_off(environ):
    """Off on request, and with persistent connections (Django refuses both together)."""
    assert postgres_pool_options(environ) is None


@pytest.mark.parametrize("environ", [
    {"QIAOCAMP_DB_POOL_MIN": "5", "QIAOCAMP_DB_POOL_MAX": "4"},
    {"QIAOCAMP_DB_POOL_MAX": "0", "QIAOCAMP_DB_POOL_MIN": "0"},
    {"QIAOCAMP_DB_POOL_MIN": "-1"},
    {"QIAOCAMP_DB_POOL_TIMEOUT": "0"},
])
def test_pool_nonsense_sizes_refused(environ):
    with pytest.raises(RuntimeError, match="QIAOCAMP_DB_POOL"):
        postgres_pool_options(environ)


def test_pool_not_a_number_refused():
    with pytest.raises(ValueError):
        postgres_pool_options({"QIAOCAMP_DB_POOL_MAX": "ten"})


@pytest.mark.django_db
def test_the_suite_uses_the_pool_on_the_test_database():
    """On PostgreSQL (DATABASE_URL) the suite runs pooled, and pytest-django renames the database before
    the first connection: the pool's connections go to the test database, never to the one DATABASE_URL
    names. SQLite has no pool."""
    if connection.vendor != "postgresql":
        assert "pool" not in connection.settings_dict["OPTIONS"]
        return
    assert connection.settings_dict["OPTIONS"]["pool"]["max_size"] >= 1
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    assert connection.pool is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        name = cursor.fetchone()[0]
    assert name == connection.settings_dict["NAME"]
    assert name.startswith("test_")
    assert connection.pool.kwargs["dbname"] == name


@pytest.mark.django_db(transaction=True)
def test_threads_take_and_give_back_pooled_connections():
    """A request thread's connection goes back to the pool when the thread closes it (as Django does at
    the end of every request), so many threads in turn need no more than the pool's size."""
    if connection.vendor != "postgresql":
        return  # nothing pooled on SQLite (the test above checks there is no pool)
    names = []

    def request():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT current_database()")
                names.append(cursor.fetchone()[0])
        finally:
            connections["default"].close()

    for _ in range(3 * connection.settings_dict["OPTIONS"]["pool"]["max_size"]):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join(timeout=20)
    assert names == [connection.settings_dict["NAME"]] * len(names) and names
    stats = connection.pool.get_stats()
    assert stats["pool_size"] <= connection.settings_dict["OPTIONS"]["pool"]["max_size"]
