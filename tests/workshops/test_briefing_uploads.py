"""A briefing file is added only when its contents are what its name says: a renamed
program, web page or archive is refused with a message saying what is wrong."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allied.workshops.forms import BriefingFileForm
from allied.workshops.models import BriefingFile


def zipped(**parts: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def image(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, fmt)
    return buffer.getvalue()


def spreadsheet() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


# As a real PDF is: a binary comment line, and a compressed stream.
PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Length 6 /Filter /FlateDecode >>\n"
    b"stream\nx\x9c\x03\x00\x00\x00\x00\x01\nendstream endobj\ntrailer << >>\n%%EOF\n"
)
DOCX = zipped(**{"[Content_Types].xml": b"<Types/>", "word__document.xml": b"<w:document/>"})
PPTX = zipped(**{"[Content_Types].xml": b"<Types/>", "ppt__presentation.xml": b"<p/>"})
ODT = zipped(mimetype=b"application/vnd.oasis.opendocument.text", **{"content.xml": b"<x/>"})
ODS = zipped(mimetype=b"application/vnd.oasis.opendocument.spreadsheet", **{"content.xml": b"<x/>"})
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def check(name: str, data: bytes) -> BriefingFileForm:
    form = BriefingFileForm(files={"file": SimpleUploadedFile(name, data)})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("Findings.pdf", PDF),
        ("Agenda.docx", DOCX),
        ("Slides.pptx", PPTX),
        ("Ranking.xlsx", spreadsheet()),
        ("Notes.odt", ODT),
        ("Figures.ods", ODS),
        ("Diagram.png", image("PNG")),
        ("Photo.jpg", image("JPEG")),
        ("Photo.JPEG", image("JPEG")),
        ("Read me.txt", "Welcome to the workshop — café at 10\r\n".encode()),
        ("Windows.txt", "Notes saved in Notepad: £5 parking\r\n".encode("cp1252")),
        ("Guidance.txt", b"BMA guidance on mentoring\n"),
        ("Network.txt", b"MZ staff network minutes\n"),
        ("Unicode.txt", "Notes saved as Unicode in Notepad\r\n".encode("utf-16")),
    ],
)
def test_a_file_whose_contents_match_its_name_is_accepted(name, data):
    assert check(name, data).is_valid()


@pytest.mark.parametrize(
    ("name", "data", "described"),
    [
        ("Findings.pdf", EXE, "a PDF"),
        ("Findings.pdf", b"<html><script>alert(1)</script></html>", "a PDF"),
        ("Agenda.docx", image("PNG"), "a Word document"),
        ("Agenda.docx", zipped(**{"payload.js": b"alert(1)"}), "a Word document"),
        ("Ranking.xlsx", DOCX, "an Excel spreadsheet"),
        ("Notes.odt", ODS, "an OpenDocument text"),
        ("Diagram.png", image("JPEG"), "a PNG image"),
        ("Read me.txt", EXE, "plain text"),
        ("Read me.txt", PDF, "plain text"),
        ("Agenda.docx", b"PK\x03\x04 not really a zip", "a Word document"),
        (
            "Agenda.docx",
            zipped(**{"word__x.html": b"<script>alert(1)</script>"}),
            "a Word document",
        ),
        (
            "Notes.odt",
            zipped(mimetype=b"application/vnd.oasis.opendocument.text"),
            "an OpenDocument text",
        ),
    ],
)
def test_a_file_whose_contents_differ_from_its_name_is_refused(name, data, described):
    form = check(name, data)
    assert not form.is_valid()
    assert form.errors["file"] == [
        f"The contents of {name} are not {described}, as its name says. Open it, save it "
        "again in that format, and add it again"
    ]


def test_the_page_refuses_a_renamed_program_and_keeps_nothing(facilitator, workshop):
    upload = SimpleUploadedFile("Findings.pdf", EXE, content_type="application/pdf")
    response = facilitator.post(
        reverse("workshops:briefing_add", args=[workshop.pk]), {"file": upload}, follow=True
    )
    assert "The contents of Findings.pdf are not a PDF" in response.content.decode()
    assert not BriefingFile.objects.exists()


def damaged(data: bytes, at: int) -> bytes:
    return data[:at] + bytes(b ^ 0xFF for b in data[at : at + 10]) + data[at + 10 :]


def compressed_odt(mimetype: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", b"<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("at", range(30, 120, 7))
def test_a_damaged_archive_is_refused_not_a_server_error(facilitator, workshop, at):
    data = damaged(compressed_odt(b"application/vnd.oasis.opendocument.text"), at)
    upload = SimpleUploadedFile("Notes.odt", data)
    response = facilitator.post(
        reverse("workshops:briefing_add", args=[workshop.pk]), {"file": upload}, follow=True
    )
    assert response.status_code == 200
    assert not BriefingFile.objects.exists() or "has been added" in response.content.decode()


def test_an_archive_that_would_unpack_to_gigabytes_is_refused_without_unpacking_it():
    import tracemalloc

    bomb = compressed_odt(b"0" * 200_000_000)
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    form = check("Notes.odt", bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not form.is_valid() and peak < 50_000_000


def test_a_password_protected_archive_is_refused():
    """zipfile cannot write an encrypted archive, so the flag is set in its headers."""
    data = bytearray(DOCX)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flag_at] |= 0x1
            start = data.find(signature, start + 4)
    assert check("Agenda.docx", DOCX).is_valid()
    assert not check("Agenda.docx", bytes(data)).is_valid()
