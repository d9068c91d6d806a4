"""Unit tests: one part at a time, in this process, no servers (most under a second)."""
