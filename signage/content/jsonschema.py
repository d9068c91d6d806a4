"""The playlist schema as JSON Schema, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from typing import Any

from signage.content.playlist import PLAYLIST

SCHEMA_ID = "https://signage.invalid/schema/playlist.schema.json"


def playlist_schema() -> dict[str, Any]:
    schema = PLAYLIST.json_schema()
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "signage playlist",
        **schema,
    }


def playlist_schema_text() -> str:
    return json.dumps(playlist_schema(), indent=2, ensure_ascii=False) + "\n"
