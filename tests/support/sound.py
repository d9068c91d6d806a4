"""The video decoder playing a clip with sound into SDL's disk audio driver (which writes
what the device plays to a file, at the device's pace), with a reader that starts the
picture's clock late, as the render thread does after a transition.

Run as ``python -m tests.support.sound CLIP OUT.raw DELAY_S PLAY_S``, in a process of its
own: SDL reads ``SDL_AUDIODRIVER`` once, when its audio starts. Prints the ring's sound
and decoder states as JSON, and the monotonic times of the device's opening (the file's
first byte) and of the clip's time 0.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import struct
import sys
import threading
import time
from multiprocessing import shared_memory
from pathlib import Path

RATE = 48000


def main() -> None:
    clip, out, delay_s, play_s = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    os.environ["SDL_DISKAUDIOFILE"] = out
    from signage.media import audio, decoder
    from signage.media.probe import probe
    from signage.media.ring import Layout, Ring

    opened: list[float] = []
    real_open = audio.Speaker.open

    def timed_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        speaker = real_open(*args, **kwargs)
        opened.append(time.monotonic())
        return speaker

    audio.Speaker.open = timed_open  # type: ignore[method-assign]
    size = (64, 36)
    layout = Layout(size, 6)
    block = shared_memory.SharedMemory(create=True, size=layout.total)
    ring = Ring(block.buf, layout)
    job = decoder.Job(
        path=clip, block=block.name, size=size, slots=6, sound=True, play_s=play_s,
        length_s=probe(Path(clip)).duration_s,
    )  # fmt: skip
    worker = threading.Thread(target=decoder.play, args=(job,))
    worker.start()
    time.sleep(delay_s)  # the transition into the slide: the picture's clock has not started
    origin = time.monotonic()
    ring.start(origin)
    seq = 1
    while not ring.done or seq < ring.done:
        now = time.monotonic() - origin
        ring.tell(now)
        while (pts := ring.frame(seq)) is not None and pts <= now:
            ring.take(seq)
            seq += 1
        time.sleep(0.005)
    worker.join()
    said = {
        "sound": ring.sound,
        "decoder": ring.decoder,
        "frames": seq - 1,
        "opened": opened[0] if opened else None,
        "origin": origin,
    }
    del ring
    block.close()
    block.unlink()
    print(json.dumps(said))


def windows(raw: bytes, window_s: float = 0.05) -> list[tuple[float, float, float]]:
    """(start s, RMS level, frequency in Hz from zero crossings) of each window of the left
    channel of 48 kHz stereo s16 sound."""
    samples = [s for (s,) in struct.iter_unpack("<h", raw[: len(raw) // 4 * 4])][::2]
    step = round(RATE * window_s)
    found = []
    for start in range(0, len(samples) - step + 1, step):
        part = samples[start : start + step]
        level = math.sqrt(sum(x * x for x in part) / step)
        crossings = sum(1 for a, b in itertools.pairwise(part) if (a < 0) != (b < 0))
        found.append((start / RATE, level, crossings / 2 / window_s))
    return found


if __name__ == "__main__":
    main()
