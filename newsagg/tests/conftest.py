"""Fixtures for the service-level tests."""

import pytest
from django.db import connection


@pytest.fixture
def database_outage():
    """Points the default connection at a database that cannot be reached; `end()` points it back."""
    saved = dict(connection.settings_dict)

    class Outage:
        def begin(self):
            connection.close()
            if connection.vendor == "postgresql":
                connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
            else:
                connection.settings_dict["NAME"] = "/nonexistent-directory/db.sqlite3"

        def end(self):
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)

    outage = Outage()
    yield outage
    outage.end()
