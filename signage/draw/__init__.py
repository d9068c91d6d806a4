"""Pillow drawing, run in the preparation worker: canvas, text fitting, images, portraits."""
