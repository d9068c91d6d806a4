"""The player's processes hand freed memory back (a burst must not leave the screen at
its high-water mark)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trimming_hands_back_the_pages_a_burst_freed() -> None:
    # a fresh interpreter: the test's own heap is not pytest's
    script = textwrap.dedent("""
        from signage.core.processes import memory_mb, trim_heap
        blocks = [bytes(2000) for _ in range(50_000)]  # 100 MB in malloc's heap
        kept = blocks[::64]  # a few still held: the freed pages sit between them
        del blocks
        before = memory_mb(key="VmRSS")
        trim_heap()
        print(before, memory_mb(key="VmRSS"), len(kept))
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    before, after, _ = (float(x) for x in out.split())
    assert before > 80, f"the freed blocks were handed back before the trim ({before:.0f} MB)"
    assert after < before - 60, f"{before:.0f} MB before the trim, {after:.0f} MB after"
