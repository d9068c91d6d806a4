"""``delays.yaml``: running delays per room, declared by a technician without editing the programme.

```yaml
Amphithéâtre Grand Bleu: 10m
Salle Seine: 5
```
(or the same under a ``delays:`` key). Every view of that room shifts by the delay.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from signage.core.diagnostics import Report
from signage.core.schema import INVALID, Ctx, join
from signage.core.values import Duration
from signage.core.yamlsrc import YamlFailure, scalar_value
from signage.core.yamlsrc import load as load_yaml

DELAY = Duration(0, 6 * 3600, clamp=False, allow_zero=True)


def load_delays(root: Path) -> tuple[tuple[tuple[str, float], ...], Report]:
    """(room, seconds) pairs from ``delays.yaml``; empty when the file is absent."""
    report = Report()
    path = root / "delays.yaml"
    if not path.exists():
        return (), report
    try:
        source = load_yaml(path, "delays.yaml", what="delays file")
    except YamlFailure as failure:
        if failure.diagnostic.message == "delays file is empty":
            return (), report  # an emptied file means no delays
        report.add(failure.diagnostic)
        return (), report
    ctx = Ctx("delays.yaml", report, root)
    node = source.root
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "delays":
                node = value
                break
    if not isinstance(node, yaml.MappingNode):
        ctx.error(
            node, "", "expected room names with their delay, like 'Amphithéâtre Grand Bleu: 10m'"
        )
        return (), report
    delays: list[tuple[str, float]] = []
    for key, value in node.value:
        room = str(scalar_value(key) or "").strip() if isinstance(key, yaml.ScalarNode) else ""
        if not room:
            ctx.error(key, "", "expected a room name")
            continue
        seconds = DELAY.check(value, ctx, join("", room))
        if seconds is not INVALID and seconds:
            delays.append((room, float(seconds)))
    return tuple(delays), report
