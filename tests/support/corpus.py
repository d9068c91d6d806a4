"""The bad-input corpus: every way a content folder can be broken that the player must survive.

Each case names the file it replaces in a good content folder, and its bytes. `kind` says
what the player should do: "content" inputs are refused whole (the last good content keeps
playing and /status lists the errors); "slide" inputs are skipped slide by slide (the rest
plays, /status lists the slide under content.skipped).
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from dataclasses import dataclass

import yaml
from PIL import Image

PLAYLIST = "playlists/a.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    data: bytes
    kind: str  # "content" | "slide" | "ok"
    needle: str  # expected in the error
    make: str = "file"  # "file", "symlink" (data is the link's target) or "fifo"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((640, 480), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _png_bomb() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _alias_bomb() -> bytes:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


GOOD_HEAD = "name: A\nslides:\n"
SLIDES = (
    "  - {type: text, id: t, title: Bonjour, duration: 3}\n"
    "  - {type: photo, id: p, image: assets/photo.jpg, duration: 3}\n"
    "  - {type: schedule, id: s, source: programme/p.xml, view: now-next, duration: 3}\n"
)


def yaml_case(name: str, text: str | bytes, needle: str) -> Case:
    data = text.encode() if isinstance(text, str) else text
    return Case(name, PLAYLIST, data, "content", needle)


def _sessionize(title: str, extra: str = "") -> bytes:
    session = {
        "id": "1", "title": title, "startsAt": "2026-11-30T10:00:00",
        "endsAt": "2026-11-30T11:00:00", "roomId": 1, "speakers": [],
    }  # fmt: skip
    text = json.dumps(
        {"sessions": [session], "rooms": [{"id": 1, "name": "Salle"}], "speakers": []}
    )
    return (text[:-1] + extra + "}").encode() if extra else text.encode()


# libyaml (PyYAML's C parser) refuses a surrogate escape itself; the pure-Python parser
# lets it through to our own check
SURROGATE = (
    "found invalid Unicode character escape code"
    if yaml.__with_libyaml__
    else "unpaired surrogate (U+D800)"
)


def hostile_cases() -> list[Case]:
    """The hardening review's classes: text that is not text, numbers too long to convert,
    huge lists, links out of the content folder, FIFOs and link loops."""
    slide = GOOD_HEAD + "  - {{type: text, title: {}}}\n"
    return [
        yaml_case("yaml-surrogate-escape", slide.format('"Bonjour \\ud800"'), SURROGATE),
        yaml_case("yaml-escape-control", slide.format('"\\x1b[2J"'), "control character (U+001B)"),
        yaml_case("yaml-nul-escape", slide.format('"a\\0b"'), "control character (U+0000)"),
        yaml_case("yaml-c1-control", slide.format('"a\\x9bb"'), "control character (U+009B)"),
        yaml_case("yaml-bell-in-key", 'name: A\n"\\a": 1\nslides: []\n', "control character (U+0007)"),
        yaml_case(
            "yaml-5000-digit-number",
            GOOD_HEAD + "  - {type: text, title: X, duration: " + "9" * 5000 + "}\n",
            "more than 30 digits",
        ),
        yaml_case(
            "yaml-20000-slides",
            GOOD_HEAD + "".join(f"  - {{type: text, title: T{n}}}\n" for n in range(20_000)),
            "has 20,000 items; the limit is 5,000",
        ),
        Case("asset-link-to-etc-passwd", "assets/photo.jpg", b"/etc/passwd", "content",
             "is a link to /etc/passwd (/etc/passwd), outside the content folder", "symlink"),
        Case("asset-link-loop", "assets/photo.jpg", b"photo.jpg", "content",
             "cannot be followed (a loop of links)", "symlink"),
        Case("asset-fifo", "assets/photo.jpg", b"", "content", "is a FIFO (named pipe)", "fifo"),
        Case("playlist-link-outside", PLAYLIST, b"../../elsewhere.yaml", "content",
             "playlists/a.yaml is a link to ../../elsewhere.yaml", "symlink"),
        Case("theme-link-outside", "theme.yaml", b"/etc/hostname", "content",
             "theme.yaml is a link to /etc/hostname", "symlink"),
        Case("delays-fifo", "delays.yaml", b"", "content", "delays.yaml is a FIFO", "fifo"),
        Case("programme-link-outside", "programme/p.xml", b"/etc/passwd", "content",
             "programme/p.xml is a link to /etc/passwd", "symlink"),
        Case("programme-fifo", "programme/p.xml", b"", "content", "is a FIFO (named pipe)", "fifo"),
        Case("programme-json-surrogate", "programme/p.xml",
             _sessionize("Atelier \ud800 \u0007 \x9b"), "ok", ""),
        Case("programme-json-5000-digits", "programme/p.xml",
             _sessionize("Atelier", ', "n": ' + "9" * 5000), "slide", "not valid JSON"),
    ]  # fmt: skip


def cases() -> list[Case]:
    return base_cases() + hostile_cases()


def base_cases() -> list[Case]:
    jpeg = _jpeg()
    return [
        # malformed YAML: syntax, types, unknown keys, bombs, tags, encodings, sizes
        yaml_case("yaml-bad-indent", "name: A\n  slides: [\n", "YAML syntax"),
        yaml_case(
            "yaml-tab-indent", "name: A\nslides:\n\t- {type: text, title: X}\n", "YAML syntax"
        ),
        yaml_case("yaml-unclosed-quote", 'name: "A\nslides: []\n', "YAML syntax"),
        yaml_case(
            "yaml-wrong-type",
            GOOD_HEAD + "  - {type: text, title: X, duration: abc}\n",
            "expected a duration",
        ),
        yaml_case(
            "yaml-unknown-key", GOOD_HEAD + "  - {type: text, titel: X}\n", "did you mean 'title'"
        ),
        yaml_case(
            "yaml-unknown-type",
            GOOD_HEAD + "  - {type: hologram, file: x.mp4}\n",
            "unknown slide type",
        ),
        yaml_case(
            "yaml-missing-name", "slides:\n  - {type: text, title: X}\n", "name: is required"
        ),
        yaml_case("yaml-empty", "", "is empty"),
        yaml_case("yaml-only-comments", "# rien\n# encore rien\n", "is empty"),
        yaml_case(
            "yaml-latin1", "name: Caf\xe9\nslides: []\n".encode("latin-1"), "not valid UTF-8"
        ),
        yaml_case("yaml-utf16", "name: A\nslides: []\n".encode("utf-16"), "not valid UTF-8"),
        yaml_case("yaml-alias-bomb", _alias_bomb(), "expands to more than"),
        yaml_case(
            "yaml-python-tag",
            GOOD_HEAD.replace("slides:\n", "slides: !!python/object/apply:os.system ['true']\n"),
            "is not allowed",
        ),
        yaml_case("yaml-custom-tag", "name: !secret A\nslides: []\n", "is not allowed"),
        yaml_case(
            "yaml-deep-nesting", "name: A\nslides: " + "[" * 3000 + "]" * 3000 + "\n", "nested"
        ),
        yaml_case(
            "yaml-enormous", GOOD_HEAD + "  - {type: text, title: X}\n" * 120_000, "the limit is"
        ),
        yaml_case("yaml-binary-garbage", bytes(range(256)) * 8, "not valid UTF-8"),
        yaml_case(
            "yaml-duplicate-key",
            "name: A\nname: B\nslides:\n  - {type: text, title: X}\n",
            "duplicate key",
        ),
        yaml_case("yaml-top-level-list", "- a\n- b\n", "expected a playlist"),
        yaml_case(
            "yaml-missing-asset",
            GOOD_HEAD + "  - {type: photo, image: assets/absent.jpg}\n",
            "file not found",
        ),
        yaml_case(
            "yaml-path-traversal",
            GOOD_HEAD + "  - {type: photo, image: ../../etc/shadow.jpg}\n",
            "inside the content folder",
        ),
        yaml_case(
            "yaml-duplicate-ids",
            GOOD_HEAD + "  - {type: text, id: x, title: A}\n  - {type: text, id: x, title: B}\n",
            "already used",
        ),
        yaml_case(
            "yaml-huge-duration-negative",
            GOOD_HEAD + "  - {type: text, title: X, duration: -5}\n",
            "out of range",
        ),
        Case(
            "theme-bad-colour",
            "theme.yaml",
            b'colours: {background: "bleu"}\n',
            "content",
            "expected a colour",
        ),
        Case(
            "theme-unknown-key", "theme.yaml", b"venu: Salle\n", "content", "did you mean 'venue'"
        ),
        Case(
            "delays-bad-duration",
            "delays.yaml",
            "Salle Seine: bientôt\n".encode(),
            "content",
            "expected a duration",
        ),
        # broken assets: the photo slide is skipped, the rest plays
        Case(
            "asset-truncated-jpeg", "assets/photo.jpg", jpeg[: len(jpeg) // 3], "slide", "photo.jpg"
        ),
        Case("asset-png-100000px", "assets/photo.jpg", _png_bomb(), "slide", "too large"),
        Case(
            "asset-text-as-jpeg",
            "assets/photo.jpg",
            b"Ceci n'est pas une photo.\n" * 20,
            "slide",
            "not an image",
        ),
        Case("asset-zero-bytes", "assets/photo.jpg", b"", "slide", "photo.jpg"),
        Case(
            "asset-jpeg-header-garbage",
            "assets/photo.jpg",
            b"\xff\xd8\xff\xe0" + bytes(4000),
            "slide",
            "photo.jpg",
        ),
        # broken programmes: the schedule slide says so, the rest plays
        Case(
            "programme-invalid-xml", "programme/p.xml", b"<schedule><day>", "slide", "not valid XML"
        ),
        Case(
            "programme-entity-bomb",
            "programme/p.xml",
            b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<schedule>&b;</schedule>",
            "slide",
            "entities are not allowed",
        ),
        Case(
            "programme-json-wrong-shape",
            "programme/p.xml",
            b'{"talks": "none", "rooms": 3}',
            "slide",
            "expected pretalx widget JSON",
        ),
        Case(
            "programme-json-unknown", "programme/p.xml", b'{"events": []}', "slide", "unknown shape"
        ),
        Case(
            "programme-ics-not-ics",
            "programme/p.xml",
            b"BEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n",
            "slide",
            "not a schedule",
        ),
        Case("programme-empty", "programme/p.xml", b"", "slide", "empty"),
        Case(
            "programme-html-error-page",
            "programme/p.xml",
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            "slide",
            "expected <schedule>",
        ),
        Case(
            "programme-sessionize-no-zone",
            "programme/p.xml",
            b'{"sessions": [{"id": "1", "title": "Sans fuseau", "startsAt": "2026-11-30T10:00:00", "endsAt": "2026-11-30T11:00:00", "roomId": 1}],'
            b' "rooms": [{"id": 1, "name": "Salle"}], "speakers": []}',
            "ok",
            "",
        ),
    ]
