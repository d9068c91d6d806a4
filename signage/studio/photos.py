"""Photos from phones: streamed to disk with size and pixel limits, turned upright, every
tag (GPS, camera, XMP) left behind, a thumbnail made at once, then held in a moderation
queue until an editor approves them into a ``photos`` folder of the content.

A photo waiting is ``.studio/queue/<id>.jpg`` (or ``.png``) with ``<id>.thumb.jpg`` and
``<id>.json`` (who sent it, when, its original name, its verdict).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from multipart import MultipartSegment, ParserError, PushMultipartParser
from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.JpegImagePlugin import get_sampling

from signage.core.paths import atomic_write
from signage.core.processes import trim_heap
from signage.core.text import clean_text
from signage.studio.words import _

MAX_FILE_BYTES = 40 * 1024 * 1024  # a 50 MP JPEG from a phone is about 25 MB
MAX_FILES = 20  # per request
MAX_REQUEST_BYTES = MAX_FILES * MAX_FILE_BYTES
MAX_PIXELS = 60_000_000  # above any phone's camera; a decompression bomb is far above
THUMB = (480, 480)
KINDS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "HEIF": ".jpg", "WEBP": ".jpg"}
ID_RE = re.compile(r"[a-z0-9]{16}")

try:  # HEIC from iPhones: through pillow-heif when it is installed (pip install signage[heic])
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover - the test extra installs it
    HEIC = False


class PhotoError(ValueError):
    """A photo refused; the text says why, in words for the person who sent it."""


class StaleForm(PhotoError):
    """The form's CSRF token is missing or not the session's (it must come before the files)."""


@dataclass(frozen=True)
class Photo:
    id: str
    by: str
    name: str  # the file's name on the phone, as text
    at: str
    file: str  # <id>.jpg or <id>.png
    verdict: str | None = None  # approved | rejected
    folder: str | None = None  # where it was approved into


def upload(
    stream: Any, content_type: str, length: int, incoming: Path, csrf_ok: Callable[[str], bool]
) -> Iterator[tuple[str, Path]]:
    """Each file (field ``photos``) of a multipart/form-data body as (its name on the phone,
    a file under ``incoming``), streamed: never more than a chunk in memory. The ``csrf``
    field must come first and satisfy ``csrf_ok`` (StaleForm otherwise); PhotoError past
    the limits or when the body is not multipart."""
    boundary = _boundary(content_type)
    incoming.mkdir(parents=True, exist_ok=True)
    files = 0
    current: tuple[str, Path, BinaryIO] | None = None
    token: bytearray | None = None  # the csrf field, while it is read
    trusted = False
    size = 0
    left = length
    try:
        with PushMultipartParser(boundary, length, max_segment_count=MAX_FILES + 8) as parser:
            while not parser.closed:
                chunk = stream.read(min(65536, left)) if left > 0 else b""
                left -= len(chunk)
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        current, token = None, None
                        if event.name == "csrf" and event.filename is None:
                            token = bytearray()
                            continue
                        if event.filename is None or event.name != "photos":
                            continue
                        if not trusted:
                            raise StaleForm(
                                _("ce formulaire n’est plus valable : rechargez la page")
                            )
                        files += 1
                        if files > MAX_FILES:
                            raise PhotoError(_("{n} photos au plus par envoi", n=MAX_FILES))
                        part = incoming / f"{secrets.token_hex(8)}.part"
                        current = (clean_text(event.filename)[:200], part, part.open("wb"))
                        size = 0
                    elif event is None:
                        if token is not None:
                            trusted = csrf_ok(token.decode("ascii", "replace"))
                            if not trusted:
                                raise StaleForm(
                                    "ce formulaire n’est plus valable : rechargez la page"
                                )
                            token = None
                        if current is not None:
                            current[2].close()
                            if size:
                                yield current[0], current[1]
                            else:
                                current[1].unlink(missing_ok=True)  # no file chosen
                        current = None
                    elif token is not None:
                        token += event[: max(0, 200 - len(token))]
                    elif current is not None:
                        size += len(event)
                        if size > MAX_FILE_BYTES:
                            raise PhotoError(
                                _(
                                    "{name} : plus de {mb} Mo",
                                    name=current[0],
                                    mb=f"{MAX_FILE_BYTES / 2**20:.3g}",
                                )
                            )
                        current[2].write(event)
                if not chunk and not parser.closed:
                    raise PhotoError(_("l’envoi s’est arrêté avant la fin"))
    except ParserError as exc:
        raise PhotoError(f"ce n’est pas un envoi de formulaire ({exc})") from None
    finally:
        if current is not None:
            current[2].close()
            current[1].unlink(missing_ok=True)


def _boundary(content_type: str) -> str:
    kind, _, rest = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        raise PhotoError("envoyez les photos par le formulaire (multipart/form-data)")
    for option in rest.split(";"):
        key, _, value = option.strip().partition("=")
        if key.lower() == "boundary" and value:
            return value.strip('"')
    raise PhotoError("le formulaire n’a pas de séparateur (boundary)")


def clean(source: Path, target_stem: Path) -> Path:
    """The photo upright, re-encoded without any tag (EXIF, GPS, XMP, comments; the colour
    profile kept), as ``<stem>.jpg`` or ``<stem>.png``, and its thumbnail
    ``<stem>.thumb.jpg``. PhotoError when it is not a photo or is too large."""
    try:
        with Image.open(source) as image:
            if image.format not in KINDS:
                raise PhotoError(
                    _(
                        "un fichier {kind} n’est pas une photo que les écrans montrent (JPEG, PNG, HEIC)",
                        kind=image.format,
                    )
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoError(
                    _(
                        "{size} pixels : plus de {most} mégapixels",
                        size=f"{width}x{height}",
                        most=MAX_PIXELS // 10**6,
                    )
                )
            profile = image.info.get("icc_profile")
            keep: dict[str, Any] = {}
            if image.format in ("JPEG", "MPO"):  # the camera's own quantisation: least loss
                keep = {
                    "qtables": getattr(image, "quantization", None),
                    "subsampling": get_sampling(image),
                }
                if keep["subsampling"] == -1:
                    del keep["subsampling"]
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # turned as the camera was held
            upright: Image.Image = image
    except PhotoError:
        raise
    except Image.DecompressionBombError as exc:  # far over: Pillow refuses it before we can
        found = re.search(r"\((\d+) pixels\)", str(exc))
        count = f"{int(found.group(1)) / 10**6:.0f}" if found else "?"
        raise PhotoError(
            _("{n} mégapixels : plus de {most} mégapixels", n=count, most=MAX_PIXELS // 10**6)
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        with source.open("rb") as head:
            brand = head.read(12)[4:12]
        if not HEIC and brand in (b"ftypheic", b"ftypheix", b"ftypmif1"):
            raise PhotoError(
                _("les photos HEIC demandent pillow-heif (pip install 'signage[heic]')")
            ) from exc
        raise PhotoError(_("pas une photo (JPEG, PNG ou HEIC), ou une photo abîmée")) from None
    upright.info = {}  # nothing of the camera's goes along: no EXIF, GPS, XMP, comment
    png = image.format == "PNG"
    if not png and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    target = target_stem.with_suffix(".png" if png else ".jpg")
    extra: dict[str, Any] = {"icc_profile": profile} if profile else {}
    if png:
        upright.save(target, "PNG", **extra)
    else:
        upright.save(target, "JPEG", **({"quality": 92} | keep | extra))
    # the thumbnail straight from the photo's size (no full-size copy of it)
    scale = min(THUMB[0] / upright.width, THUMB[1] / upright.height, 1.0)
    small = (max(1, round(upright.width * scale)), max(1, round(upright.height * scale)))
    thumb = upright.resize(small, Image.Resampling.BILINEAR, reducing_gap=2.0)
    thumb.convert("RGB").save(target_stem.with_suffix(".thumb.jpg"), "JPEG", quality=80)
    return target


class Queue:
    """Photos waiting for an editor, and what was decided about them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._decoding = threading.Lock()

    def add(self, part: Path, by: str, name: str) -> Photo:
        """Clean and queue an uploaded part; one photo decoded at a time (a 12-megapixel
        photo is 36 MB decoded: five phones at once must not hold five of them)."""
        ident = secrets.token_hex(8)
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            with self._decoding:
                stored = clean(part, self.folder / ident)
                trim_heap()  # the decoded pixels handed back, not kept by malloc
        finally:
            part.unlink(missing_ok=True)
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        photo = Photo(ident, by, name, at, stored.name)
        self._write(photo)
        return photo

    def get(self, ident: str) -> Photo | None:
        if not ID_RE.fullmatch(ident):
            return None
        try:
            return Photo(**json.loads((self.folder / f"{ident}.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def all(self) -> list[Photo]:
        found = [p for f in self.folder.glob("*.json") if (p := self.get(f.stem))]
        return sorted(found, key=lambda p: p.at, reverse=True)

    def thumb(self, photo: Photo) -> Path:
        return self.folder / f"{photo.id}.thumb.jpg"

    def approve(self, ident: str, root: Path, folder: str) -> Photo:
        """Into ``root/folder`` under a name of its own (a write the player's watch sees
        whole); PhotoError when it is not waiting."""
        with self._lock:
            photo = self._waiting(ident)
            source = self.folder / photo.file
            stem = re.sub(r"[^\w-]+", "-", Path(photo.name).stem, flags=re.ASCII).strip("-")[:40]
            target = (
                root
                / folder
                / f"studio-{photo.at[:10]}-{stem or 'photo'}-{photo.id[:6]}{source.suffix}"
            )
            atomic_write(target, source.read_bytes(), mode=0o644)  # the player may be another user
            source.unlink(missing_ok=True)
            decided = Photo(**{**asdict(photo), "verdict": "approved", "folder": folder})
            self._write(decided)
            return decided

    def reject(self, ident: str) -> Photo:
        with self._lock:
            photo = self._waiting(ident)
            (self.folder / photo.file).unlink(missing_ok=True)
            self.thumb(photo).unlink(missing_ok=True)
            decided = Photo(**{**asdict(photo), "verdict": "rejected"})
            self._write(decided)
            return decided

    def _waiting(self, ident: str) -> Photo:
        photo = self.get(ident)
        if photo is None or photo.verdict is not None:
            raise PhotoError(_("cette photo n’est plus en attente (déjà validée ou refusée)"))
        return photo

    def _write(self, photo: Photo) -> None:
        atomic_write(self.folder / f"{photo.id}.json", json.dumps(asdict(photo)).encode())
