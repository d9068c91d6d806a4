"""Pixels and frames: theme, text fitting, images, slide preparation, the display loop."""
