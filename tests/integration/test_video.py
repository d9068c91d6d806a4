"""Video slides (issue 14): clips made here with PyAV (moving detail, not flat colour),
checked by ``signage check``, played by a real player headless (decoder process, shared
memory ring), and the bad inputs: empty, not a video, truncated, too large."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from signage.cli import main
from signage.media.audio import CHANNELS, CHUNK, FRAME_BYTES, RATE, Track
from signage.media.hardware import HWACCELS, candidates, detect
from signage.media.make import make_clip
from signage.media.probe import MediaError, probe
from tests.support.content import write_content
from tests.support.paths import REPO
from tests.support.process import PlayerProcess
from tests.support.sound import windows
from tests.support.status import undocumented

CLIP_S = 3.0


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4", (640, 360), CLIP_S)


def test_probe_reads_the_clip_and_refuses_what_is_not_one(clip: Path, tmp_path: Path) -> None:
    info = probe(clip)
    assert (info.codec, info.width, info.height, info.fps) == ("h264", 640, 360, 30.0)
    assert abs(info.duration_s - CLIP_S) < 0.1
    empty = tmp_path / "vide.mp4"
    empty.write_bytes(b"")
    text = tmp_path / "texte.mp4"
    text.write_text("ceci n'est pas une vidéo", encoding="utf-8")
    truncated = tmp_path / "tronque.mp4"
    truncated.write_bytes(clip.read_bytes()[:2000])
    for path, reason in (
        (empty, "the file is empty"),
        (text, "not a readable video"),
        (truncated, "not a readable video"),
    ):
        with pytest.raises(MediaError, match=reason) as caught:
            probe(path)
        assert str(path) in str(caught.value)


def test_an_8k_clip_is_refused(tmp_path: Path) -> None:
    big = make_clip(tmp_path / "8k.mp4", (7680, 4320), 1 / 30)
    with pytest.raises(MediaError, match="larger than 3840x2160"):
        probe(big)


def test_check_lists_clips_and_reports_bad_ones(
    clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "clip.mp4").write_bytes(clip.read_bytes())
    (tmp_path / "assets" / "vide.mp4").write_bytes(b"")
    write_content(
        tmp_path,
        {"ok.yaml": "name: OK\nslides:\n  - {type: video, file: assets/clip.mp4, loop: 2}\n"},
    )
    assert main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # two plays of 3 s, and the fade into it (the clip starts when it has ended)
    assert "assets/clip.mp4: h264 640x360 30 fps, 3.0 s (mov), plays 7s" in out
    (tmp_path / "playlists" / "bad.yaml").write_text(
        "name: Bad\nslides:\n  - {type: video, file: assets/vide.mp4}\n"
        "  - {type: video, file: assets/clip.mp4, duration: 2}\n",
        encoding="utf-8",
    )
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "playlists/bad.yaml:3: error: assets/vide.mp4: the file is empty (0 bytes)" in out
    assert "warning: slides[1].duration: 2 s cuts the clip, which plays 3.0 s" in out


def _play(root: Path, tmp: Path) -> PlayerProcess:
    return PlayerProcess(
        [str(root), "--plays", str(tmp / "plays.jsonl"), "--cache", str(tmp / "cache")]
    )


def _screenshot(player: PlayerProcess) -> bytes:
    url = f"http://127.0.0.1:{player.port}/screenshot.png"
    with urllib.request.urlopen(url, timeout=5) as answer:
        return bytes(answer.read())


def _decoders(player: int | None = None) -> list[int]:
    """The video decoder processes under ``player`` (every one on the machine when None:
    another player running beside the suite, a soak, had its own counted)."""
    from signage.tools.loopback import descendants

    found = []
    entries = (
        [Path(f"/proc/{pid}") for pid in descendants(player)]
        if player is not None
        else list(Path("/proc").iterdir())
    )
    for entry in entries:
        if entry.name.isdigit():
            try:
                if (
                    b"decoder.serve" in (entry / "cmdline").read_bytes()
                    or (entry / "comm").read_text().strip() == "video-decoder"
                ):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_player_plays_a_clip_then_moves_on(clip: Path, tmp_path: Path) -> None:
    """The clip plays at its frame rate (frames counted in /status, none dropped at this
    size), the picture moves, the slide ends after loop x length, the next one comes."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "clip.mp4").write_bytes(clip.read_bytes())
    write_content(
        tmp_path,
        {
            "v.yaml": "name: V\nslides:\n"
            "  - {type: video, id: film, file: assets/clip.mp4, loop: 2, caption: Ouverture}\n"
            "  - {type: text, id: apres, title: Après le film, duration: 30}\n"
        },
        "header: false\n",
    )
    shm_before = {p.name for p in Path("/dev/shm").iterdir()}
    player = _play(tmp_path, tmp_path)
    try:
        playing = player.wait_for(
            lambda s: (s["slide"].get("video") or {}).get("frames_shown", 0) > 30, timeout=30
        )
        video = playing["slide"]["video"]
        assert video["file"] == "clip.mp4" and video["codec"] == "h264"
        assert (video["width"], video["height"], video["decoder"]) == (320, 180, "software") or (
            video["width"], video["height"]) == (640, 360)  # fmt: skip
        # One frame dropped in 30 was seen once in five CI runs of issue 25 (not explained
        # yet: see its closing note); more than one is a fault.
        assert video["frames_dropped"] <= 1
        first = _screenshot(player)
        time.sleep(0.5)
        assert _screenshot(player) != first  # the picture moves
        decoders = _decoders(player.process.pid)
        assert len(decoders) == 1  # one decoder process for the region
        ended = player.wait_for(lambda s: s["slide"]["id"] == "apres", timeout=20)
        assert ended["slide"].get("video") is None
        plays = [json.loads(line) for line in (tmp_path / "plays.jsonl").read_text().splitlines()]
        film = next(p for p in plays if p.get("slide") == "film")
        assert 5.0 <= film["duration_s"] <= 8.0, film  # two plays of 3 s, then the next slide
        assert _decoders(player.process.pid) == decoders  # kept for the next clip
    finally:
        log = player.stop()
    assert "Traceback" not in log
    time.sleep(0.3)
    assert not set(_decoders()) & set(decoders)  # gone with the player
    # no ring left behind: a block made since that no process maps any more (another
    # player on this machine, a soak, may have rings of its own meanwhile)
    assert _orphans({p.name for p in Path("/dev/shm").iterdir()} - shm_before) == set()


def test_a_truncated_clip_plays_to_the_damage_and_moves_on(tmp_path: Path) -> None:
    """Matroska (like a download cut short) keeps its header at the front: the clip opens,
    plays up to where the data stops, and the next slide comes instead of a frozen frame."""
    (tmp_path / "assets").mkdir()
    data = make_clip(tmp_path / "whole.mkv", (640, 360), CLIP_S).read_bytes()
    (tmp_path / "assets" / "long.mkv").write_bytes(data)
    write_content(
        tmp_path,
        {
            "v.yaml": "name: V\nslides:\n"
            "  - {type: video, id: abime, file: assets/long.mkv, duration: 20}\n"
            "  - {type: text, id: apres, title: Après, duration: 60}\n"
        },
        "header: false\n",
    )
    # cut the file after loading: the header says 3 s, the data stops at about half
    (tmp_path / "assets" / "long.mkv").write_bytes(data[: len(data) // 2])
    player = _play(tmp_path, tmp_path)
    try:
        player.wait_for(lambda s: s["slide"]["id"] == "abime", timeout=20)
        started = time.monotonic()
        player.wait_for(lambda s: s["slide"]["id"] == "apres", timeout=15)
        assert time.monotonic() - started < 10  # not the 20 s of its duration
    finally:
        log = player.stop()
    assert "Traceback" not in log
    assert "the video ends early" in log


def test_a_video_that_cannot_play_is_skipped_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    bad = tmp_path / "assets" / "faux.mp4"
    bad.write_text("pas une vidéo", encoding="utf-8")
    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "v.yaml").write_text(
        "name: V\nslides:\n  - {type: video, id: faux, file: assets/faux.mp4}\n"
        "  - {type: text, id: t, title: Texte, duration: 60}\n",
        encoding="utf-8",
    )
    player = _play(tmp_path, tmp_path)
    try:
        status = player.wait_for(
            lambda s: s["slide"]["id"] == "t" and s["content"]["skipped"], timeout=30
        )
        assert "faux.mp4: not a readable video" in " ".join(status["content"]["skipped"])
        assert "faux.mp4: not a readable video" in " ".join(status["content"]["warnings"])
        assert bad.exists()
    finally:
        player.stop()


def test_a_clip_plays_in_a_region_of_a_layout(clip: Path, tmp_path: Path) -> None:
    """In a region, scaled by the decoder to the region's size, while a clock runs beside."""
    player = _play_in_region(clip, tmp_path, "75%")
    try:
        status = _playing_in_a_region(player, 20)
        regions = {r["name"]: r for r in status["regions"]}
        assert regions["film"]["rect"] == [0, 0, 240, 180]
        assert undocumented(status) == set()  # every key of /status is in its reference
        assert regions["film"]["slide"]["video"]["frames_dropped"] == 0
        assert regions["heure"]["slide"]["type"] == "clock"
    finally:
        log = player.stop()
    assert "Traceback" not in log


def test_a_landscape_clip_in_a_portrait_region_is_shown_whole(clip: Path, tmp_path: Path) -> None:
    """Filling a tall region with a 16:9 clip would keep a quarter of its width (a strip,
    "ncontres nat"): the clip is shown whole, black above and below, as a photo is."""
    from io import BytesIO

    from PIL import Image

    player = _play_in_region(clip, tmp_path, "25%")
    try:
        _playing_in_a_region(player, 10)
        shot = Image.open(BytesIO(_screenshot(player))).convert("RGB")
    finally:
        log = player.stop()
    assert "Traceback" not in log
    width = 80  # the region: 25 % of 320, 180 high; the clip whole is 80x45 in its middle

    def dark(y: int) -> bool:
        return all(max(shot.getpixel((x, y))) < 24 for x in range(2, width - 2))

    assert dark(10) and dark(170), "the rows above and below the clip are black"
    assert not dark(90), "the clip is in the middle"


def _play_in_region(clip: Path, tmp_path: Path, width: str) -> PlayerProcess:
    """A player whose layout plays the clip in a region ``width`` wide, a clock beside."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "clip.mp4").write_bytes(clip.read_bytes())
    film = "name: Film\nslides:\n  - {type: video, id: film, file: assets/clip.mp4, loop: 3}\n"
    write_content(
        tmp_path,
        {"film.yaml": film},
        "layout:\n"
        f"  - {{name: film, x: 0, y: 0, w: {width}, h: 100%, playlist: film}}\n"
        f"  - {{name: heure, x: {width}, y: 0, w: {100 - int(width[:-1])}%, h: 100%, widget: clock}}\n",
    )
    return _play(tmp_path, tmp_path)


def _playing_in_a_region(player: PlayerProcess, frames: int) -> dict:
    """The status once a region's clip has shown more than ``frames`` frames."""
    return player.wait_for(
        lambda s: any((r["slide"].get("video") or {}).get("frames_shown", 0) > frames
                      for r in s["regions"]), timeout=30,
    )  # fmt: skip


def _decode_into_ring(
    job_kwargs: dict, size: tuple[int, int], slots: int = 200
) -> list[tuple[float, bytes]]:
    """Run the decoder in this process into a ring large enough to hold every frame."""
    from multiprocessing import shared_memory

    from signage.media import decoder
    from signage.media.ring import Layout, Ring

    layout = Layout(size, slots)
    block = shared_memory.SharedMemory(create=True, size=layout.total)
    try:
        job = decoder.Job(block=block.name, size=size, slots=slots, **job_kwargs)
        decoder.play(job)
        ring = Ring(block.buf, layout)
        frames = []
        seq = 1
        while (pts := ring.frame(seq)) is not None:
            frames.append((pts, bytes(ring.pixels(seq))))
            seq += 1
        assert ring.done == seq
        del ring
        return frames
    finally:
        block.close()
        block.unlink()


def test_the_decoder_trims_and_times_frames(clip: Path) -> None:
    """start/end trim the clip; times count from the trimmed start; loops add up."""
    frames = _decode_into_ring({"path": str(clip), "start_s": 1.0, "end_s": 2.0}, (64, 36))
    times = [t for t, _ in frames]
    assert 29 <= len(times) <= 31
    assert times[0] == pytest.approx(0.0, abs=0.02)
    assert times[-1] == pytest.approx(29 / 30, abs=0.04)
    assert all(b > a for a, b in itertools.pairwise(times))  # in order, no repeats
    looped = _decode_into_ring({"path": str(clip), "play_s": 2 * CLIP_S}, (64, 36))
    assert len(looped) == pytest.approx(2 * CLIP_S * 30, abs=2)
    assert looped[-1][0] == pytest.approx(2 * CLIP_S - 1 / 30, abs=0.05)  # no pause between passes


def test_contain_keeps_the_whole_picture_with_black_bars(clip: Path) -> None:
    """A 16:9 clip in a square region: contain leaves black bars above and below; cover
    fills every row."""
    size = (90, 90)
    contained = _decode_into_ring({"path": str(clip), "fit": "contain", "end_s": 0.1}, size)
    covered = _decode_into_ring({"path": str(clip), "fit": "cover", "end_s": 0.1}, size)
    row = size[0] * 4

    def black_row(pixels: bytes, y: int) -> bool:
        line = pixels[y * row : (y + 1) * row]
        return all(line[i] < 16 and line[i + 1] < 16 and line[i + 2] < 16 for i in range(0, row, 4))

    assert black_row(contained[0][1], 2) and black_row(contained[0][1], 87)
    assert not black_row(contained[0][1], 45)
    assert not black_row(covered[0][1], 2) and not black_row(covered[0][1], 87)


def _sound(tmp: Path, clip: Path, delay_s: float, play_s: float, driver: str) -> tuple[dict, bytes]:
    """The decoder playing ``clip``'s sound into SDL's ``driver`` (disk: into a file)."""
    out = tmp / f"sound-{driver}.raw"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.sound",
            str(clip),
            str(out),
            str(delay_s),
            str(play_s),
        ],
        env={**os.environ, "SDL_AUDIODRIVER": driver},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(
        done.stdout.strip().splitlines()[-1]
    ), out.read_bytes() if out.exists() else b""


@pytest.fixture(scope="module")
def tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("tone") / "tone.mp4", (320, 180), 2.0, tone_hz=440)


def test_the_sound_plays_on_the_pictures_clock(tone: Path, tmp_path: Path) -> None:
    """muted: false: the clip's 440 Hz tone comes out of the device (SDL's disk driver
    writes what it plays), silent until the picture's clock starts (0.6 s after the sound
    was decoded), then for as long as the picture plays, through a loop without a gap."""
    said, raw = _sound(tmp_path, tone, 0.6, 4.0, "disk")
    assert (said["sound"], said["decoder"]) == ("playing", "software")
    assert said["frames"] == pytest.approx(120, abs=2)
    heard = [(t, hz) for t, level, hz in windows(raw) if level > 2000]
    assert heard, "no sound came out"
    onset = said["origin"] - said["opened"] - CHUNK / RATE  # written one buffer ahead
    # not at the device's opening: when the picture's clock started (to the disk driver's
    # pace and the 50 ms windows)
    assert heard[0][0] == pytest.approx(onset, abs=0.12) and onset > 0.4
    # two passes of 2 s, never longer than the picture plays; shorter by what came late and
    # was dropped to keep to the picture (on a loaded machine: 0.25 s in CI run 50, under
    # two CPU hogs), never by a gap
    span = heard[-1][0] - heard[0][0]
    assert 3.5 <= span <= 4.0 + 0.15, span
    assert len(heard) >= round(span / 0.05) - 2  # no silent window in between, at the loop
    assert all(abs(hz - 440) < 25 for _, hz in heard[1:-1])  # the clip's own tone


def test_without_an_audio_device_the_clip_plays_muted(tone: Path, tmp_path: Path) -> None:
    said, _ = _sound(tmp_path, tone, 0.0, 2.0, "no-such-driver")
    assert said["sound"] == "no device"
    assert said["frames"] == pytest.approx(60, abs=2)  # the picture plays all the same


def test_late_sound_is_dropped_and_early_sound_waits() -> None:
    """The track follows the picture's clock: what is more than 45 ms late is skipped,
    what is early waits in silence, what is on time plays as it is."""
    second = b"\x01\x00" * CHANNELS * RATE  # one second of a constant, non-zero level
    track = Track()
    track.add(0.0, second)
    assert track.take(FRAME_BYTES * 10, None) == bytes(FRAME_BYTES * 10)  # not started
    on_time = track.take(FRAME_BYTES * 480, 0.0)
    assert on_time == second[: FRAME_BYTES * 480] and track.dropped_s == 0
    # the picture jumped to 0.5 s (a dropped stretch): the sound jumps with it
    late = track.take(FRAME_BYTES * 480, 0.5)
    assert late == second[: FRAME_BYTES * 480]
    assert track.dropped_s == pytest.approx(0.49, abs=0.001)
    track = Track()
    track.add(1.0, second)
    early = track.take(FRAME_BYTES * 4800, 0.95)  # 100 ms asked, the sound starts at 1.0
    assert early[: FRAME_BYTES * 2400] == bytes(FRAME_BYTES * 2400)
    assert early[FRAME_BYTES * 2400 :] == second[: FRAME_BYTES * 2400]
    assert track.waited_s == pytest.approx(0.05, abs=0.001)


def test_hardware_decoders_are_tried_and_software_is_the_fallback() -> None:
    """Every hardware decoder this FFmpeg has is tried on a real clip at start; on this
    machine (no GPU, no V4L2 device) each says why not and software decodes. One asked by
    name that the FFmpeg lacks says so."""
    found = detect()
    assert found.decoder == "software"
    assert set(found.tried) == set(candidates()) and candidates()
    assert all(reason and reason != "works" for reason in found.tried.values())
    assert detect("software").tried == {}
    missing = next(name for name in HWACCELS if name not in candidates())
    assert detect(missing).tried == {missing: "not in this FFmpeg (PyAV's build)"}


def test_a_clip_the_hardware_refuses_plays_in_software(clip: Path) -> None:
    """A decoder asked for that cannot decode the clip: the clip plays in software, and
    the ring says so."""
    from multiprocessing import shared_memory

    from signage.media import decoder
    from signage.media.ring import Layout, Ring

    layout = Layout((64, 36), 200)
    block = shared_memory.SharedMemory(create=True, size=layout.total)
    try:
        job = decoder.Job(str(clip), block.name, (64, 36), 200, end_s=0.5)
        decoder.play(job, candidates()[0])
        ring = Ring(block.buf, layout)
        assert ring.decoder == "software" and ring.done == pytest.approx(16, abs=1)
        del ring
    finally:
        block.close()
        block.unlink()


def test_a_player_reports_its_decoders_and_the_clips_sound(tone: Path, tmp_path: Path) -> None:
    """/status: what the decoder process found of hardware decoding at start, and for the
    clip playing with muted: false, its sound playing; a muted one says muted."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "tone.mp4").write_bytes(tone.read_bytes())
    write_content(
        tmp_path,
        {
            "v.yaml": "name: V\nslides:\n"
            "  - {type: video, id: son, file: assets/tone.mp4, muted: false, loop: 3}\n"
            "  - {type: video, id: muet, file: assets/tone.mp4, loop: 3}\n"
        },
        "header: false\n",
    )
    player = PlayerProcess(
        [str(tmp_path), "--plays", str(tmp_path / "plays.jsonl"), "--cache", str(tmp_path / "c")],
        env={"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(tmp_path / "out.raw")},
    )
    try:
        loud = player.wait_for(
            lambda s: (
                s["slide"]["id"] == "son"
                and (s["slide"].get("video") or {}).get("frames_shown", 0) > 10
            ),
            timeout=30,
        )
        assert loud["slide"]["video"]["audio"] == "playing"
        assert loud["slide"]["video"]["decoder"] == "software"
        hardware = loud["video_decoder"]
        assert hardware["decoder"] == "software"
        assert set(hardware["tried"]) == set(candidates())
        quiet = player.wait_for(
            lambda s: (
                s["slide"]["id"] == "muet"
                and (s["slide"].get("video") or {}).get("frames_shown", 0) > 10
            ),
            timeout=30,
        )
        assert quiet["slide"]["video"]["audio"] == "muted"
    finally:
        log = player.stop()
    assert "Traceback" not in log
    heard = [t for t, level, _ in windows((tmp_path / "out.raw").read_bytes()) if level > 2000]
    plays = [json.loads(line) for line in (tmp_path / "plays.jsonl").read_text().splitlines()]
    loud_s = next(p["duration_s"] for p in plays if p["slide"] == "son")
    assert loud_s >= 6.0  # three passes of 2 s
    # heard while the loud slide played, not during the muted one
    assert len(heard) * 0.05 == pytest.approx(loud_s, abs=0.3)


def test_a_burst_of_steps_through_a_clip_leaves_one_spare_decoder(clip: Path) -> None:
    """Thirty starts of a clip, each stopped before it began (a burst of next/previous
    commands over a video slide): the ones never begun are dropped, not started each in a
    process of its own (the 60-minute chaos soak ended with dozens of decoders, 3 GB), and
    once every stream is closed one idle decoder process is kept."""
    import multiprocessing

    from signage.player.stream import Clip
    from signage.player.video import Videos

    def decoders() -> int:
        return sum(1 for p in multiprocessing.active_children() if p.name == "video-decoder")

    videos = Videos("software")
    played = Clip(clip, play_s=CLIP_S, width=640, height=360, fps=30.0, length_s=CLIP_S)
    most = 0
    try:
        for round_ in range(3):
            for key in range(10):
                future = videos._starter.submit(videos._start, played, (64, 36))
                videos.streams[round_ * 10 + key] = (None, None, future)
            for key in range(10):
                videos._stop(round_ * 10 + key)
                most = max(most, decoders())
            _until_closed(videos)
            most = max(most, decoders())
        assert most <= 2, f"{most} decoder processes for one region"
        assert len(videos._workers) == 1 and videos._workers[0].alive
        assert not videos._workers[0].busy
    finally:
        videos.close()
    assert decoders() == 0


def _orphans(names: set[str]) -> set[str]:
    """The shared-memory blocks among ``names`` that no living process has mapped."""
    mapped: set[str] = set()
    for maps in Path("/proc").glob("[0-9]*/maps"):
        try:
            text = maps.read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        mapped |= {name for name in names if f"/dev/shm/{name}" in text}
    return {name for name in names if (Path("/dev/shm") / name).exists()} - mapped


def _until_closed(videos: Any) -> None:
    """Until every stopped stream has been closed on the helper thread (30 s at most)."""
    deadline = time.monotonic() + 30
    while True:
        videos._starter.submit(lambda: None).result(timeout=30)  # what was queued has run
        if not videos._closing:  # taken by a drain, which may still be closing them:
            videos._starter.submit(lambda: None).result(timeout=30)  # it has finished
            return
        assert time.monotonic() < deadline, f"{len(videos._closing)} streams never closed"
