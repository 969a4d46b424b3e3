"""The words of a PDF the bot made, as a person reading it would find them (pdftotext).

pdftotext is poppler-utils, a Debian package: ``.ci/run`` installs it, and a machine without
it skips the test at this point (everything asserted before it has run) instead of failing.
"""

import shutil
import subprocess

import pytest


def pdf_text(pdf: bytes, *, layout: bool = True) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    command = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()
