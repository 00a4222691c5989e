"""The browser fixtures, for the dashboard's browser test."""

from tests.browser.conftest import browser, new_page, page  # noqa: F401
