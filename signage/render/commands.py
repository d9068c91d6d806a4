"""Commands from the keys and the control API (next, previous, pause, show, reload, info,
message, clear_message), each answered with a JSON-able result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from signage.render.loop import Player


class Commands:
    """Dispatches a command to the part of the player it concerns."""

    def __init__(self, player: Player) -> None:
        self.player = player

    def run(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        player = self.player
        now = player.clock.now()
        if name in ("next", "previous"):
            return player.timeline.step(1 if name == "next" else -1)
        if name == "pause":
            paused = not player.paused if "paused" not in args else bool(args["paused"])
            player.timeline.set_paused(paused)
            player.dirty = True
            return {"ok": True, "paused": player.paused}
        if name == "show":
            return player.timeline.show(str(args.get("id", "")))
        if name == "reload":
            player.reload(None)
            return {"ok": True}
        if name == "info":
            player.info = not player.info
            player.dirty = True
            return {"ok": True, "info": player.info}
        if name == "message":
            message = player.urgent.start(
                str(args["text"]), str(args["style"]), float(args["expires_in"]), now
            )
            player.preparer.request(
                (("message", message.id), now), message, player.screen_canvas(now)
            )
            player.publish()
            return {"ok": True, "message": message.to_json()}
        if name == "clear_message":
            had = player.end_message()
            return {"ok": True, "cleared": had}
        return {"ok": False, "error": f"unknown command {name!r}"}
