"""Screens in a venue reached over MQTT: presence, room states, commands, alerts."""
