"""A studio served in the test's process with a user per role, and photos as phones send them."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image

from signage.studio.server import Studio
from signage.studio.users import Users

SECRETS = {
    "admin": "admin-secret-01",
    "editor": "editor-secret-01",
    "photographer": "photo-secret-01",
    "steward": "steward-secret-01",
}


def users_file(path: Path) -> Path:
    users = Users.load(path, missing_ok=True)
    for role, secret in SECRETS.items():
        users.add(role, role, secret)
    users.save()
    return path


class Running:
    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        self.url = f"http://{studio.address}"
        self.thread = threading.Thread(target=studio.serve, daemon=True)
        self.thread.start()

    def session(self, role: str | None) -> requests.Session:
        """A browser signed in with ``role`` (None: nobody)."""
        http = requests.Session()
        if role is not None:
            answer = http.post(
                f"{self.url}/login",
                data={"name": role, "secret": SECRETS[role], "next": "/"},
                allow_redirects=False,
            )
            assert answer.status_code == 303, answer.text
        return http

    def csrf(self, http: requests.Session) -> str:
        page = http.get(f"{self.url}/").text
        return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]

    def close(self) -> None:
        self.studio.stop()
        self.thread.join(5)


@pytest.fixture
def running(example: Path, tmp_path: Path) -> Iterator[Running]:
    studio = Studio(example, users_file(tmp_path / "users.json"), ("127.0.0.1", 0))
    server = Running(studio)
    yield server
    server.close()


def jpeg(size: tuple[int, int] = (1200, 800), tags: bool = True) -> bytes:
    image = Image.new("RGB", size, (200, 60, 40))
    image.paste((20, 90, 200), (0, 0, size[0] // 4, size[1]))  # a blue band at the left
    exif = Image.Exif()
    if tags:
        exif[0x0112] = 6  # Orientation: the camera was turned: rotate 90° clockwise
        exif[0x010F] = "PhoneMaker"
        exif[0x8825] = {1: "N", 2: (48.0, 49.0, 30.0), 3: "E", 4: (2.0, 16.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"Issy-les-Moulineaux")
    return out.getvalue()


def send(
    running: Running,
    http: requests.Session,
    files: list[tuple[str, bytes]],
    csrf: str | None = None,
) -> requests.Response:
    fields: list[tuple[str, tuple[str | None, bytes | str, str] | tuple[None, str]]] = []
    fields.append(("csrf", (None, csrf if csrf is not None else running.csrf(http))))
    fields += [("photos", (name, data, "image/jpeg")) for name, data in files]
    return http.post(f"{running.url}/photos", files=fields)


def spaced(text: str) -> str:
    """A page's text with its no-break spaces (French typography, before « : ? ! ») read as
    spaces, as a person reads them."""
    return text.replace("\u00a0", " ")
