"""Operating screens from afar: the control API and its page, the fleet over MQTT, systemd.

Reaches the player only through its messages (``signage.player.messages``) and its status
snapshot; imports neither pygame nor Pillow."""
