"""Each test is marked by what it needs (tests/conftest.py), so that ``make check`` leaves out
exactly the tests that need a build, a browser or the PDF's tools."""
import subprocess
import sys

from conftest import build, kinds, site


def builds_by_helper(project):
    return build(project)


def builds_itself(project):
    return subprocess.run([sys.executable, "-m", "planbook", "build", "--root", project])


def reads_the_pdf(path):
    return [subprocess.run(["pdffonts", str(p)]) for p in [path]]


def drives_a_browser():
    from playwright.sync_api import sync_playwright
    return sync_playwright


def calls_a_helper_that_builds(project):
    return builds_by_helper(project)


def unit():
    return sorted({"planbook": 1, "build": 2})  # words, not a command


SAMPLES = {builds_by_helper: {"build"}, builds_itself: {"build"}, site.__wrapped__: {"build"},
           reads_the_pdf: {"pdf"}, drives_a_browser: {"browser"},
           calls_a_helper_that_builds: {"build"}, unit: set()}
"""Functions and what they need (named here, not in a test, which would be marked by them)."""


def test_what_a_tests_code_needs_is_found():
    assert {f.__name__: kinds([f]) for f in SAMPLES} == {
        f.__name__: kinds for f, kinds in SAMPLES.items()}


def test_a_unit_test_is_not_marked(request):
    assert [mark.name for mark in request.node.iter_markers()] == []


def test_a_test_that_reads_the_pdf_is_marked(request):
    """Marked, it runs in ``make test`` only."""
    assert callable(reads_the_pdf)
    assert [mark.name for mark in request.node.iter_markers()] == ["pdf"]
