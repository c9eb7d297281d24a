import io
import shutil
import subprocess

import pytest

from loa.documents.samples import seed_letter


@pytest.fixture(scope="session")
def seed_docx():
    import docx

    from loa.documents.docx import render_docx

    return docx.Document(io.BytesIO(render_docx(seed_letter())))


@pytest.fixture(scope="session")
def seed_pdf(tmp_path_factory):
    from loa.documents.pdf import render_pdf

    path = tmp_path_factory.mktemp("pdf") / "seed.pdf"
    path.write_bytes(render_pdf(seed_letter()))
    return path


def poppler(tool, *args):
    """The output of a poppler tool (pdftotext, pdffonts, pdfinfo); the test fails if it is missing."""
    assert shutil.which(tool), f"{tool} is needed (Debian package poppler-utils)"
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True, check=True, timeout=120).stdout
