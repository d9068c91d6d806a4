"""Make the example's short clip, ``assets/video/ouverture.mp4``, with PyAV (H.264).

Run from the repository root: ``python assets/make_video.py``. Like the photos, nothing
is copied from elsewhere: a title card over a slowly moving pattern in the event's
colours, 8 seconds at 1280x720 and 30 fps (about 1 MB).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "signage" / "fonts" / "DejaVuSans-Bold.ttf"
SIZE = (1280, 720)
FPS = 30
SECONDS = 8
NAVY, BLUE, ORANGE = (12, 35, 78), (0, 120, 212), (255, 140, 40)


def background() -> Image.Image:
    """Diagonal bands twice the frame's size, slid under the title."""
    width, height = SIZE[0] * 2, SIZE[1] * 2
    image = Image.new("RGB", (width, height), NAVY)
    pen = ImageDraw.Draw(image)
    for n, x in enumerate(range(-height, width, 90)):
        colour = BLUE if n % 3 else ORANGE
        pen.polygon(
            [(x, 0), (x + 40, 0), (x + 40 + height, height), (x + height, height)], fill=colour
        )
    return image.resize((width, height))


def main() -> None:
    import av

    target = HERE / "video" / "ouverture.mp4"
    target.parent.mkdir(exist_ok=True)
    big = ImageFont.truetype(str(FONT), 64)
    small = ImageFont.truetype(str(FONT), 34)
    bands = background()
    with av.open(str(target), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "medium", "crf": "30"}
        for n in range(SECONDS * FPS):
            x = (n * 3) % SIZE[0]
            frame = bands.crop((x, x // 2, x + SIZE[0], x // 2 + SIZE[1]))
            pen = ImageDraw.Draw(frame)
            pen.rectangle((0, 250, SIZE[0], 470), fill=NAVY)
            pen.text(
                (SIZE[0] // 2, 330),
                "8es Rencontres nationales",
                font=big,
                fill="white",
                anchor="mm",
            )
            pen.text(
                (SIZE[0] // 2, 410),
                "de la communication numérique",
                font=small,
                fill=ORANGE,
                anchor="mm",
            )
            for packet in stream.encode(av.VideoFrame.from_image(frame)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    print(f"{target.relative_to(HERE.parent)}: {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
