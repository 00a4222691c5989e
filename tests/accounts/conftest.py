"""The browser fixtures, for the account pages' browser tests."""

from tests.browser.conftest import browser, new_page, page  # noqa: F401
