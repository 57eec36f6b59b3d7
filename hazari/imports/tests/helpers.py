import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook


def xlsx(*sheets: list[list[object]], names: list[str] | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for i, rows in enumerate(sheets):
        sheet = workbook.create_sheet((names or [])[i] if names else f"Sheet{i + 1}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client: Client, kind: str, name: str, content: bytes, **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}
    return client.post("/imports/", data)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
