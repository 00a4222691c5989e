"""The browser fixtures, for the data rights browser test."""

from tests.browser.conftest import browser, new_page, page  # noqa: F401
