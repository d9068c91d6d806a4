"""The lowest layer: plain helpers every other package may import (and which import none)."""
