"""Browser tests: Playwright drives Debian's Chromium at the size of a cheap Android phone.

The launch and context settings below are pytest-playwright's own fixtures, overridden for every test in
this folder; a browser test takes the `page` (or `browser`) fixture and carries the
`@pytest.mark.browser` marker."""

from __future__ import annotations

import os

import pytest

from conftest import require_component

CHROMIUM = "/usr/bin/chromium"

# A phone most team members could afford: 360 x 640 CSS pixels, touch, Indian English.
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-IN",
}


@pytest.fixture(scope="session")
def browser_type_launch_args():
    require_component("chromium", os.path.exists(CHROMIUM), "apt-get install chromium fonts-noto-core")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            # Nothing leaves the machine: no update checks, no sync, no QUIC probes.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args():
    return dict(PHONE)


@pytest.fixture(scope="session")
def compiled_hindi():
    """The .mo files are built by `make`; build them here too, so that a bare `pytest` sees Hindi."""
    from django.core.management import call_command

    call_command("compiletranslations", verbosity=0)


@pytest.fixture(autouse=True)
def _static_files_by_plain_name(request):
    """The live server serves static files from the app folders by their plain names. A `collectstatic`
    run in the data folder leaves a manifest that would make pages ask for hashed names instead, which
    the live server does not have, and the page would come up without its script and style."""
    if "live_server" not in request.fixturenames:
        return
    settings = request.getfixturevalue("settings")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
