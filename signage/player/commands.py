"""Commands from the keys and the control API (next, previous, pause, show, reload, info,
message, clear_message), each answered with a JSON-able result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

if TYPE_CHECKING:
    from signage.player.loop import Player


KEY_COMMANDS = {
    pygame.K_RIGHT: "next",
    pygame.K_LEFT: "previous",
    pygame.K_SPACE: "pause",
    pygame.K_i: "info",
}  # and Escape or q to quit


class Commands:
    """Dispatches a command to the part of the player it concerns."""

    def __init__(self, player: Player) -> None:
        self.player = player

    def keys(self) -> None:
        """The window's events: keys run their commands, Escape/q/closing stops, an exposed
        window is drawn again."""
        player = self.player
        for event in pygame.event.get():
            if event.type == pygame.QUIT or (
                event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_q)
            ):
                player.stop.set()
            elif event.type == pygame.KEYDOWN and event.key in KEY_COMMANDS:
                self.run(KEY_COMMANDS[event.key], {})
            elif event.type in (pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE, pygame.WINDOWRESTORED):
                player.dirty = True

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
