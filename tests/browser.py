"""Helpers of the browser tests (Playwright with Debian's Chromium)."""

from playwright.sync_api import Page, expect


def log_in(page: Page, base_url: str, username: str) -> None:
    """Sign in through the login page as a persona (factory password), leaving any earlier session."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("button[type=submit]")
    expect(page.locator("body")).not_to_contain_text("用户名或密码错误")
