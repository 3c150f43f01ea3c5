"""A real browser (Debian's chromium, driven by selenium) on the real app over HTTP.

On a phone-sized window an officer opens the push link, accepts, and resolves with an amount and
a camera photo; on a desktop window the squadron leader signs in (password set by the real
`python -m bot user set-password`), finds the ticket in the statistics and downloads the Excel
file, whose numbers are checked. Screenshots go to var/screenshots/ (named in the README).
Skipped, with one line saying why, where chromium or chromium-driver is not installed.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from werkzeug.serving import make_server

from tests.desk.conftest import PASSWORD, push_link

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="浏览器测试已跳过：未安装 chromium / chromium-driver",
)
PHONE = (390, 844)
DESKTOP = (1366, 900)
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36 wxwork/4.1.0 MicroMessenger/7.0.1"
)


@pytest.fixture
def server(app):
    """The app served over real HTTP on a free port."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=lambda: httpd.serve_forever(poll_interval=0.05), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def browser(size: tuple[int, int], downloads: Path | None = None, mobile: bool = False):
    """Headless chromium with a window of `size`; downloads land in `downloads`."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    options.add_argument(f"--window-size={size[0]},{size[1]}")
    options.add_argument("--lang=zh-CN")
    if mobile:
        options.add_argument(f"--user-agent={WECHAT_UA}")
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    if downloads:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    return driver


def shot(driver, name: str) -> None:
    """Save the whole page as var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(height, 600), 2400))
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def tiny_png(path: Path) -> Path:
    """A real 32x32 PNG, standing in for the phone camera's photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x30\x80\x30" * 32 for _ in range(32))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0))
    path.write_bytes(png + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def set_password_by_cli(database_url: str, userid: str) -> None:
    """The operator's way: `python -m bot user set-password USERID`, password on stdin."""
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "user", "set-password", userid],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def wait_for(driver, css: str, seconds: float = 15):
    """The element once it is on the page."""
    return WebDriverWait(driver, seconds).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def test_officer_on_phone_then_leader_on_desktop(
    server, chat, ticket_no, clock, database_url, tmp_path
):
    """The whole desk in a real browser: push link, accept, resolve with photo, stats, Excel."""
    phone = browser(PHONE, mobile=True)
    try:
        phone.get(server + push_link(ticket_no, "zhangqinli"))
        clock.advance(minutes=7)  # the officer takes seven minutes to accept
        wait_for(phone, "#do-accept").click()
        wait_for(phone, "#resolve-form")
        clock.advance(hours=2)
        shot(phone, "phone-ticket-accepted")
        form = phone.find_element(By.ID, "resolve-form")
        form.find_element(By.NAME, "note").send_keys("已清理楼道杂物")
        form.find_element(By.NAME, "amount").send_keys("12")
        Select(form.find_element(By.NAME, "unit")).select_by_visible_text("处")
        form.find_element(By.NAME, "photo").send_keys(str(tiny_png(tmp_path / "site.png")))
        form.find_element(By.ID, "do-resolve").click()
        wait_for(phone, ".photos img")
        assert "已办结" in phone.page_source and "已清理楼道杂物，共12处" in phone.page_source
        shot(phone, "phone-ticket-resolved")
    finally:
        phone.quit()
    assert chat.ticket(ticket_no).resolution["amount"] == 12.0

    set_password_by_cli(database_url, "zhaobingquan")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    desk = browser(DESKTOP, downloads=downloads)
    try:
        desk.get(server + "/desk/login")
        desk.find_element(By.NAME, "userid").send_keys("zhaobingquan")
        desk.find_element(By.NAME, "password").send_keys(PASSWORD)
        desk.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        wait_for(desk, "table.ticket-list")
        assert ticket_no in desk.page_source
        shot(desk, "desktop-list")
        desk.get(server + "/desk/stats?from=2026-11-01&to=2026-12-01&squadron=chengyang")
        wait_for(desk, "#chart-category canvas")
        category = desk.find_element(By.ID, "table-category").text
        assert "乱堆乱放 1 1 1 12 处" in category
        shot(desk, "desktop-stats")
        desk.find_element(By.ID, "download-xlsx").click()
        book = load_workbook(wait_for_download(downloads, ".xlsx"))
        desk.get(server + "/desk/reports/monthly?date=2026-11-26")
        assert "其中清理乱堆乱放12处" in wait_for(desk, "#report-text").text
        shot(desk, "desktop-report")
    finally:
        desk.quit()
    rows = list(book["按类别"].iter_rows(min_row=3, values_only=True))
    assert rows == [("乱堆乱放", 1, 1, 1, 12, "处")]
    summary = {r[0]: r[1] for r in book["概况"].iter_rows(min_row=3, values_only=True)}
    assert (summary["受理问题（起）"], summary["已办结（件）"]) == (1, 1)
    assert (summary["接单用时中位数（分钟）"], summary["办结用时中位数（小时）"]) == (7.0, 2.1)


def wait_for_download(folder: Path, suffix: str, seconds: float = 20) -> Path:
    """The finished download with `suffix` (chromium writes .crdownload until done)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded into {folder}: {list(folder.iterdir())}")
