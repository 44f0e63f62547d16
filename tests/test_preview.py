"""``make preview`` in a scratch copy of the project (the made-up commune, 7 units) with its
own copy of the package, started as make starts it, on a free port of 127.0.0.1: an edited
figure reaches the served page, and only the pages that show it run again; bad data gets the
clerk's message on the page while the last good page stays; the page's script runs under the
site's Content Security Policy and never reaches the published site; ``make book`` still works
beside it; an edit of the package starts it again; Ctrl-C stops it with one line. One server
for the module, stopped whatever happens."""
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from planbook.kernels import KERNELS
from planbook.preview import free_port
from planbook.sphinx.ext import CONTENT_POLICY
from planbook.stamp import PACKAGE

from conftest import EXAMPLES, build, scratch_project
from test_browser import CHROMIUM, CHROMIUM_ARGS
from test_hostile_site import POLICY, WATCH

WAIT = 600
"""Seconds any one step may take (a loaded machine); the test fails beyond."""
UNITS = "data/2026/units.csv"
FIRST = "1,Thôn Đông,412,9,2.18,7,1.70,2"


class Preview:
    """``python -m planbook preview`` running in ``project`` with the project's copy of the
    package (its kernels too), its output read as it comes."""

    def __init__(self, project: Path):
        self.project, self.port = project, free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "planbook", "preview", "--port", str(self.port)],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(project)},
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout],
                         daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, **headers) -> str:
        return self.answer(path, **headers)[0]

    def answer(self, path: str, **headers) -> tuple[str, dict]:
        """The body at ``path`` and the headers it came with."""
        request = urllib.request.Request(self.url(path), headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read().decode("utf-8"), dict(response.headers)

    def build_output(self, last: str = "Đã dựng lại") -> list[str]:
        """The lines of the next build, up to the line saying the page was rebuilt (or
        another ``last`` line)."""
        lines, deadline = [], time.monotonic() + WAIT
        while not lines or not lines[-1].startswith(last):
            assert self.process.poll() is None, self.process.stderr.read()
            lines.append(self.lines.get(timeout=max(0.1, deadline - time.monotonic())))
        return lines

    def page_once(self, path: str, pattern: str) -> str:
        """The page at ``path`` once it matches ``pattern``."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read()
            try:
                page = self.get(path)
                if re.search(pattern, page, re.S):
                    return page
            except urllib.error.URLError:
                pass
            time.sleep(0.2)
        pytest.fail(f"{path} never showed {pattern!r}")

    def stop(self, signum=signal.SIGINT) -> str:
        """Stop it as Ctrl-C does; its stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            _, err = self.process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def edit(project: Path, old: str, new: str, name: str = UNITS) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = scratch_project(tmp_path_factory.mktemp("preview"), EXAMPLES / "commune")
    shutil.copytree(PACKAGE, project / "planbook", ignore=shutil.ignore_patterns("__pycache__"))
    return project


@pytest.fixture(scope="module")
def preview(project):
    server = Preview(project)
    try:
        server.build_output()  # the first build
        yield server
    finally:
        server.stop(signal.SIGKILL if server.process.poll() is None else signal.SIGINT)


def unit_page(preview) -> str:
    return preview.get("/2026/book/units/01-thon-dong.html")


def test_an_edited_figure_is_served_and_only_its_pages_run_again(preview, project):
    assert "Thôn Đông" in unit_page(preview) and "/_preview/preview.js" in unit_page(preview)
    assert preview.get("/").count("Tân An Hòa"), "the root leads to the year's book"
    edit(project, FIRST, FIRST.replace(",412,", ",421,"))  # households: every page's figures
    preview.build_output()
    preview.page_once("/2026/book/units/01-thon-dong.html", r"<strong>421</strong> hộ dân cư")
    edit(project, "1,Thôn Đông,421,9,2.18,7,1.70,2", "1,Thôn Đông,421,9,2.18,7,1.70,3")
    ran = [line.split()[1] for line in preview.build_output() if line.startswith("[")]
    assert "book/2026/units/01-thon-dong.ipynb" in ran and "book/2026/appendix.ipynb" in ran
    assert not [page for page in ran if "/units/" in page and "01-thon-dong" not in page], \
        "a unit's printed reduction is read by its own page only"
    preview.page_once("/2026/book/appendix.html", "Thôn Đông</td>" + "".join(
        rf"\s*<td[^>]*>{cell}(<sup [^>]*>\*</sup><span [^>]*>[^<]*</span>)?</td>"  # a doubt
        for cell in ["421", "9", "2,18%", "7", "1,70%", "3"]))
    assert not (project / "_build" / "html").exists(), "the published site is left alone"


def test_bad_data_shows_the_message_over_the_last_good_page(preview, project):
    edit(project, "1,Thôn Đông,421,", "1,Thôn Đông,bốn trăm,")
    page = preview.page_once("/2026/book/units/01-thon-dong.html", r'role="alert">')
    assert "cột 'households'" in page and "bốn trăm" in page, "the clerk's message is there"
    assert "<strong>421</strong> hộ dân cư" in page, "over the last good page"
    edit(project, "1,Thôn Đông,bốn trăm,", "1,Thôn Đông,421,")
    page = preview.page_once("/2026/book/units/01-thon-dong.html", r'role="alert" hidden>')
    assert "<strong>421</strong> hộ dân cư" in page


@pytest.mark.skipif(not CHROMIUM.is_file(), reason="no chromium: `make book` installs it")
def test_the_open_page_reloads_itself_and_shows_the_message(preview, project):
    from playwright.sync_api import expect, sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(WATCH)
            page, refused = context.new_page(), []
            page.on("console", lambda m: POLICY in m.text and refused.append(m.text))
            page.goto(preview.url("/2026/book/units/01-thon-dong.html"))
            body, alert = page.locator("body"), page.locator("#planbook-preview")
            edit(project, "1,Thôn Đông,421,", "1,Thôn Đông,422,")
            expect(body).to_contain_text("422 hộ dân cư", timeout=WAIT * 1000)
            edit(project, "1,Thôn Đông,422,", "1,Thôn Đông,bốn trăm,")
            expect(alert).to_contain_text("bốn trăm", timeout=WAIT * 1000)
            expect(page.get_by_role("alert")).to_be_visible()
            expect(body).to_contain_text("422 hộ dân cư")
            edit(project, "1,Thôn Đông,bốn trăm,", "1,Thôn Đông,421,")
            expect(body).to_contain_text("421 hộ dân cư", timeout=WAIT * 1000)
            expect(alert).to_be_hidden()
            assert page.evaluate("window.__violations") == [] and not refused, \
                "the script, its style and its events are what the policy allows"
        finally:
            browser.close()


def test_every_answer_carries_the_policy_and_the_script_is_a_file(preview):
    page, headers = preview.answer("/2026/book/units/01-thon-dong.html")
    assert headers["Content-Security-Policy"] == CONTENT_POLICY
    head = BeautifulSoup(page, "html.parser").head
    policy = head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert policy["content"] == CONTENT_POLICY
    assert not policy.find_all_previous(["script", "link", "style"]), "the policy comes first"
    assert not [s for s in head.parent.find_all("script") if not s.get("src")
                and s.get("type", "text/javascript") == "text/javascript"], "no script in a page"
    assert head.find("script", src="/_preview/preview.js")
    script, headers = preview.answer("/_preview/preview.js")
    assert "EventSource" in script and headers["Content-Type"].startswith("text/javascript")


def test_only_its_own_address_is_served(preview):
    with pytest.raises(urllib.error.HTTPError) as refused:
        preview.get("/2026/book/index.html", Host="elsewhere.example")
    assert refused.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as missing:
        preview.get("/2026/ke-hoach.pdf")
    assert missing.value.code == 404 and "make book" in missing.value.read().decode()
    assert missing.value.headers["Content-Security-Policy"] == CONTENT_POLICY, "its own pages"


def test_make_book_works_beside_it(preview, project):
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert (project / "_build" / "html" / "2026" / "book" / "units" / "01-thon-dong.html"
            ).is_file()
    assert "<strong>421</strong> hộ dân cư" in unit_page(preview), "the preview goes on"
    published = project / "_build" / "html"
    assert not list(published.rglob("preview.*")), "the preview's files are its server's only"
    assert not [page for page in published.rglob("*.html")
                if "_preview" in page.read_text(encoding="utf-8")]


def test_an_edit_of_the_package_starts_it_again(preview, project):
    """In the folder it was started in, whatever folder the notebooks' runs left it in."""
    style = project / "planbook" / "preview_static" / "preview.css"
    style.write_text(style.read_text(encoding="utf-8") + "/* edited */\n", encoding="utf-8")
    preview.build_output("Mã của chương trình đã đổi")  # the lines of earlier edits' builds too
    preview.build_output()
    assert "/* edited */" in preview.get("/_preview/preview.css")
    assert "<strong>421</strong> hộ dân cư" in unit_page(preview)


def test_ctrl_c_stops_it_with_one_line(preview):
    err = preview.stop()
    assert preview.process.returncode == 0 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == "Đã dừng xem trước.", err
    assert not list(Path(tempfile.gettempdir()).glob(f"{KERNELS}{preview.process.pid}-*")), \
        "its kernels' folder is removed"
