"""Public alerts in the Common Alerting Protocol 1.2 (OASIS CAP-V1.2): read, checked, and
kept as the publishers mean them.

An alert is one ``<alert>`` with its ``<info>`` blocks (one per language) and their
``<area>`` blocks (``<polygon>``, ``<circle>``, ``<geocode>``). :class:`AlertBook` keeps
the alerts received from every path (a publisher's URL, a folder, the fleet), once per
(sender, identifier): an ``Update`` replaces the alerts it references, a ``Cancel``
removes them, an expired one goes by itself. :meth:`AlertBook.current` picks what the
screen shows at a moment: an ``Actual`` alert (``Test`` and ``Exercise`` with
``show_tests``), at or above the minimum severity, effective and not expired, whose area
covers the venue, in the screen's language when it offers it.

XML is parsed with defusedxml: a document with entity declarations (a billion laughs) is
refused, never expanded.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import threading
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from signage.core.text import clean_text
from signage.live.model import LiveError

NS = "urn:oasis:names:tc:emergency:cap:1.2"
SEVERITIES = ("Unknown", "Minor", "Moderate", "Severe", "Extreme")  # least to most severe
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
MAX_TEXT = 3000
MAX_CAP_BYTES = 1024 * 1024

Point = tuple[float, float]  # (lat, lon)


@dataclass(frozen=True)
class Area:
    desc: str = ""
    polygons: tuple[tuple[Point, ...], ...] = ()
    circles: tuple[tuple[float, float, float], ...] = ()  # lat, lon, radius in km
    geocodes: tuple[tuple[str, str], ...] = ()  # (valueName, value)


@dataclass(frozen=True)
class Info:
    language: str
    event: str
    severity: str
    urgency: str = ""
    certainty: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    effective: dt.datetime | None = None
    onset: dt.datetime | None = None
    expires: dt.datetime | None = None
    areas: tuple[Area, ...] = ()


@dataclass(frozen=True)
class Alert:
    identifier: str
    sender: str
    sent: dt.datetime
    status: str
    msg_type: str
    references: tuple[tuple[str, str], ...] = ()  # (sender, identifier) it updates or cancels
    infos: tuple[Info, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.sender, self.identifier)


@dataclass(frozen=True)
class ShownAlert:
    """What a screen shows of an alert: one info block, in one language."""

    identifier: str
    sender: str
    sent: dt.datetime
    status: str
    event: str
    severity: str
    headline: str
    description: str
    instruction: str
    sender_name: str
    expires: dt.datetime | None
    language: str

    def to_json(self) -> dict[str, Any]:
        """``/status.alert``."""
        return {
            "identifier": self.identifier,
            "event": self.event,
            "severity": self.severity,
            "headline": self.headline,
            "expires": self.expires.isoformat(timespec="seconds") if self.expires else None,
        }


@dataclass(frozen=True)
class Venue:
    """Where the screens stand: a point, a polygon, and/or geocodes (e.g. {"INSEE": "92040"})."""

    point: Point | None = None
    polygon: tuple[Point, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()


# -- reading ---------------------------------------------------------------------------


def parse_cap(data: bytes) -> Alert:
    """The alert in ``data``; LiveError saying what is wrong when it is not CAP 1.2."""
    if len(data) > MAX_CAP_BYTES:
        raise LiveError(f"more than {MAX_CAP_BYTES:,} bytes: not a CAP alert")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise LiveError(f"refused: {type(exc).__name__} (a DTD or entities in an alert)") from None
    except SafeET.ParseError as exc:
        raise LiveError(f"not XML: {exc}") from None
    if root.tag != f"{{{NS}}}alert":
        raise LiveError(
            f"not a CAP 1.2 alert (the root is {_local(root.tag)!r} in {_ns(root.tag)!r})"
        )
    identifier, sender = _required(root, "identifier"), _required(root, "sender")
    status, msg_type = _required(root, "status"), _required(root, "msgType")
    if status not in STATUSES:
        raise LiveError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if msg_type not in MSG_TYPES:
        raise LiveError(f"msgType {msg_type!r} is not one of {', '.join(MSG_TYPES)}")
    infos = tuple(_info(block) for block in root.findall(f"{{{NS}}}info"))
    return Alert(
        identifier=identifier,
        sender=sender,
        sent=_time(_required(root, "sent"), "sent"),
        status=status,
        msg_type=msg_type,
        references=_references(_text(root, "references")),
        infos=infos,
    )


def _info(block: Element) -> Info:
    severity = _required(block, "severity")
    if severity not in SEVERITIES:
        raise LiveError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    optional = {name: _text(block, name) for name in ("effective", "onset", "expires")}
    return Info(
        language=_text(block, "language") or "en-US",
        event=_clean(_required(block, "event")),
        severity=severity,
        urgency=_text(block, "urgency"),
        certainty=_text(block, "certainty"),
        headline=_clean(_text(block, "headline")),
        description=_clean(_text(block, "description")),
        instruction=_clean(_text(block, "instruction")),
        sender_name=_clean(_text(block, "senderName")),
        effective=_time(optional["effective"], "effective") if optional["effective"] else None,
        onset=_time(optional["onset"], "onset") if optional["onset"] else None,
        expires=_time(optional["expires"], "expires") if optional["expires"] else None,
        areas=tuple(_area(area) for area in block.findall(f"{{{NS}}}area")),
    )


def _area(area: Element) -> Area:
    polygons = tuple(polygon_of(p.text or "") for p in area.findall(f"{{{NS}}}polygon"))
    circles = tuple(_circle(c.text or "") for c in area.findall(f"{{{NS}}}circle"))
    geocodes = tuple(
        (_text(code, "valueName"), _text(code, "value"))
        for code in area.findall(f"{{{NS}}}geocode")
    )
    return Area(_clean(_text(area, "areaDesc")), polygons, circles, geocodes)


def polygon_of(text: str) -> tuple[Point, ...]:
    """CAP's polygon: four or more "lat,lon" pairs, the first and the last the same."""
    points = tuple(_point(pair) for pair in text.split())
    if len(points) < 4:
        raise LiveError(
            f"a polygon of {len(points)} points: CAP asks for 4 or more, the last the first"
        )
    if points[0] != points[-1]:
        raise LiveError("a polygon that is not closed: its first and last points differ")
    return points


def _circle(text: str) -> tuple[float, float, float]:
    try:
        centre, radius = text.split()
        lat, lon = _point(centre)
        km = float(radius)
    except ValueError:
        raise LiveError(f"a circle {text.strip()[:60]!r} is not like '48.82,2.26 5.0'") from None
    if not 0 <= km <= 20000:
        raise LiveError(f"a circle's radius of {km:g} km")
    return lat, lon, km


def _point(pair: str) -> Point:
    try:
        lat_text, lon_text = pair.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise LiveError(f"{pair[:40]!r} is not a point like '48.82,2.26'") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise LiveError(f"{pair[:40]!r} is not on the Earth (lat -90..90, lon -180..180)")
    return lat, lon


def _references(text: str) -> tuple[tuple[str, str], ...]:
    """``references``: space-separated "sender,identifier,sent" triples."""
    found = []
    for triple in text.split():
        parts = triple.split(",")
        if len(parts) >= 2:
            found.append((parts[0], parts[1]))
    return tuple(found)


def _time(text: str, name: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise LiveError(
            f"{name} {text.strip()[:40]!r} is not a CAP time like 2026-11-30T10:05:00+01:00"
        ) from None
    if when.tzinfo is None:
        raise LiveError(f"{name} {text.strip()!r} has no offset from UTC")
    return when


def _required(element: Element, name: str) -> str:
    value = _text(element, name)
    if not value:
        raise LiveError(f"<{name}> is missing")
    return value


def _text(element: Element, name: str) -> str:
    found = element.find(f"{{{NS}}}{name}")
    return (found.text or "").strip() if found is not None else ""


def _clean(text: str) -> str:
    return clean_text(text)[:MAX_TEXT]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# -- where ------------------------------------------------------------------------------


def covers(area: Area, venue: Venue) -> bool:
    """Whether ``area`` covers the venue (any of its shapes or codes)."""
    wanted = {(name.lower(), value) for name, value in venue.geocodes}
    if any((name.lower(), value) in wanted for name, value in area.geocodes):
        return True
    places = ([venue.point] if venue.point else []) + list(venue.polygon)
    for polygon in area.polygons:
        if any(_inside(p, polygon) for p in places):
            return True
        if venue.polygon and (
            any(_inside(p, venue.polygon) for p in polygon) or _edges_cross(polygon, venue.polygon)
        ):
            return True
    return any(_km(p, (lat, lon)) <= km for lat, lon, km in area.circles for p in places)


def _inside(point: Point, polygon: tuple[Point, ...]) -> bool:
    """Ray casting on (lon, lat): good for areas the size of a region."""
    lat, lon = point
    inside = False
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(polygon):
        if (lat1 > lat) != (lat2 > lat):
            cross = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < cross:
                inside = not inside
    return inside


def _edges_cross(a: tuple[Point, ...], b: tuple[Point, ...]) -> bool:
    def turn(p: Point, q: Point, r: Point) -> float:
        return (q[1] - p[1]) * (r[0] - p[0]) - (q[0] - p[0]) * (r[1] - p[1])

    for p1, p2 in itertools.pairwise(a):
        for q1, q2 in itertools.pairwise(b):
            if turn(p1, p2, q1) * turn(p1, p2, q2) < 0 and turn(q1, q2, p1) * turn(q1, q2, p2) < 0:
                return True
    return False


def _km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# -- the alerts in force -----------------------------------------------------------------


@dataclass(frozen=True)
class AlertRules:
    """What a screen shows: its venue, the least severity, whether tests show."""

    venue: Venue | None
    min_severity: str = "Moderate"
    show_tests: bool = False


@dataclass
class AlertBook:
    """Every alert received (from every path), once per (sender, identifier)."""

    rules: AlertRules
    _alerts: dict[tuple[str, str], Alert] = field(default_factory=dict)
    _gone: set[tuple[str, str]] = field(default_factory=set)  # updated or cancelled
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, alert: Alert) -> bool:
        """An alert from a publisher or the fleet; True when it changed what is kept (the
        same alert from two paths is kept once)."""
        with self._lock:
            if alert.key in self._gone or self._alerts.get(alert.key) == alert:
                return False
            for reference in alert.references if alert.msg_type in ("Update", "Cancel") else ():
                self._gone.add(reference)
                self._alerts.pop(reference, None)
            if alert.msg_type == "Cancel":
                self._gone.add(alert.key)
                return True
            if alert.msg_type in ("Alert", "Update"):
                self._alerts[alert.key] = alert
            return True

    def current(self, now: dt.datetime, locale: str) -> ShownAlert | None:
        """The alert the screen shows at ``now`` (the most severe, then the latest sent)."""
        with self._lock:
            alerts = list(self._alerts.values())
        shown = [s for s in (self._shown(a, now, locale) for a in alerts) if s is not None]
        shown.sort(key=lambda s: (SEVERITIES.index(s.severity), s.sent), reverse=True)
        return shown[0] if shown else None

    def next_change(self, now: dt.datetime) -> dt.datetime | None:
        """The next moment an alert kept begins or ends (the watch wakes then)."""
        with self._lock:
            moments = [m for a in self._alerts.values() for i in a.infos
                       for m in (i.effective, i.onset, i.expires) if m is not None and m > now]  # fmt: skip
        return min(moments, default=None)

    def _shown(self, alert: Alert, now: dt.datetime, locale: str) -> ShownAlert | None:
        rules = self.rules
        if alert.status != "Actual" and not (
            rules.show_tests and alert.status in ("Test", "Exercise")
        ):
            return None
        least = SEVERITIES.index(rules.min_severity)
        matching = [
            info
            for info in alert.infos
            if SEVERITIES.index(info.severity) >= least
            and (info.effective or alert.sent) <= now
            and (info.expires is None or now < info.expires)
            # no venue configured (an alert the fleet pushed to this screen): shown
            and (rules.venue is None or any(covers(area, rules.venue) for area in info.areas))
        ]
        if not matching:
            return None
        info = next(
            (i for i in matching if i.language.lower().split("-")[0] == locale), matching[0]
        )
        return ShownAlert(
            alert.identifier, alert.sender, alert.sent, alert.status, info.event, info.severity,
            info.headline, info.description, info.instruction, info.sender_name, info.expires,
            info.language,
        )  # fmt: skip
