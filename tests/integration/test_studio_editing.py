"""The studio's editing: slides changed through their forms (one line of the bundled
example's YAML, comments and all), refused when invalid or when someone else saved first,
reordered, previewed by the real renderer; versions brought back; ``signage publish
--rollback``."""

from __future__ import annotations

import difflib
import html
import io
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import requests
from PIL import Image, ImageChops

from signage.delivery.publish import kept_versions
from tests.support.paths import REPO
from tests.support.studio import Running, jpeg, send, spaced


def _form(running: Running, http: requests.Session, stem: str, index: int | str) -> dict[str, str]:
    """The slide's form as a browser would send it back unchanged."""
    page = http.get(f"{running.url}/slides/{stem}/{index}").text
    fields = {
        m[1]: html.unescape(m[2])
        for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    }
    fields |= {
        m[1]: html.unescape(m[2])
        for m in re.finditer(r'<input name="(f\.\w+)" id="[^"]*" value="([^"]*)">', page)
    }
    fields |= {
        m[1]: html.unescape(m[2])
        for m in re.finditer(r'<textarea name="(f\.\w+)"[^>]*>(.*?)</textarea>', page, re.S)
    }
    for name, options in re.findall(r'<select name="(f\.\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r"<option selected>([^<]*)", options)
        fields[name] = html.unescape(chosen[1]) if chosen else ""
    return fields


def _diff(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]  # fmt: skip


def test_editing_a_title_changes_exactly_one_line_of_the_bundled_example(running: Running) -> None:
    path = running.studio.root / "playlists" / "accueil.yaml"
    before = path.read_text(encoding="utf-8")
    assert "#" in before  # the example's comments are there to be kept
    editor = running.session("editor")
    form = _form(running, editor, "accueil", 0)
    assert (
        form["f.title"] == "Bienvenue aux 8es Rencontres nationales de la communication numérique"
    )
    form["f.title"] = "Bienvenue : les Rencontres « numériques » commencent"
    answer = editor.post(f"{running.url}/slides/accueil/0", data=form)
    assert answer.status_code == 200 and "Enregistré : title." in spaced(answer.text)
    after = path.read_text(encoding="utf-8")
    assert _diff(before, after) == [
        "-    title: Bienvenue aux 8es Rencontres nationales de la communication numérique",
        '+    title: "Bienvenue : les Rencontres « numériques » commencent"',
    ]
    # a body in a block scalar: only its own lines change; emptying a key removes its line
    form = _form(running, editor, "accueil", 0)
    form["f.body"] = form["f.body"].replace(
        "Ateliers en **Salle Seine**", "Ateliers en **Salle Seine** (1er étage)"
    )
    form["f.subtitle"] = ""
    assert editor.post(f"{running.url}/slides/accueil/0", data=form).status_code == 200
    changed = _diff(after, path.read_text(encoding="utf-8"))
    assert changed == [
        "-    subtitle: Cap’Com · Microsoft France, Issy-les-Moulineaux",
        "-      - Ateliers en **Salle Seine**",
        "+      - Ateliers en **Salle Seine** (1er étage)",
    ], changed
    versions = running.studio.history.versions()
    assert versions[0].who == "editor" and versions[0].what.endswith("slide 1: subtitle, body")
    assert len(versions) == 3  # as found, then the two changes


def test_an_invalid_change_is_refused_with_the_checkers_words_and_nothing_written(
    running: Running,
) -> None:
    path = running.studio.root / "playlists" / "accueil.yaml"
    before = path.read_bytes()
    editor = running.session("editor")
    form = _form(running, editor, "accueil", 1)
    form["f.duration"] = "-3"
    answer = editor.post(f"{running.url}/slides/accueil/1", data=form)
    assert answer.status_code == 400
    said = html.unescape(spaced(answer.text))
    assert "Rien n’a été enregistré" in said
    assert "playlists/accueil.yaml:28:15: error: slides[1].duration: -3 is out of range" in said
    assert 'value="-3"' in spaced(answer.text)  # what the editor typed stays in the form
    assert path.read_bytes() == before


def test_two_editors_saving_at_once_one_wins_and_the_other_sees_the_difference(
    running: Running,
) -> None:
    path = running.studio.root / "playlists" / "accueil.yaml"
    first, second = running.session("editor"), running.session("admin")
    forms = [_form(running, first, "accueil", 0), _form(running, second, "accueil", 0)]
    forms[0]["f.title"] = "Titre de la première"
    forms[1]["f.title"] = "Titre de la seconde"
    answers: list[requests.Response] = []
    start = threading.Barrier(2)

    def save(http: requests.Session, form: dict[str, str]) -> None:
        start.wait()
        answers.append(http.post(f"{running.url}/slides/accueil/0", data=form))

    threads = [
        threading.Thread(target=save, args=pair)
        for pair in zip((first, second), forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [200, 409]
    lost = next(a for a in answers if a.status_code == 409)
    text = path.read_text(encoding="utf-8")
    won = "première" if "Titre de la première" in text else "seconde"
    assert f"+    title: Titre de la {won}" in html.unescape(
        spaced(lost.text)
    )  # the difference is shown
    assert text.count("Titre de la") == 1


def test_slides_are_reordered_with_their_comments(running: Running) -> None:
    path = running.studio.root / "playlists" / "accueil.yaml"
    before = path.read_text(encoding="utf-8")
    editor = running.session("editor")
    page = editor.get(f"{running.url}/slides").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    answer = editor.post(f"{running.url}/slides/accueil/2/move", data={"csrf": csrf, "to": "1"})
    assert answer.status_code == 200 and "Diapositive 3 déplacée en position 2." in spaced(
        answer.text
    )
    after = path.read_text(encoding="utf-8")
    assert sorted(after.splitlines()) == sorted(before.splitlines())  # every line kept
    titles = re.findall(r"^    (?:title|name): (.+)$", after, re.M)
    assert titles.index("André Santini") < titles.index("En ce moment")


def test_a_preview_is_the_real_renderer_at_the_screens_size(running: Running) -> None:
    editor = running.session("editor")
    landscape = editor.get(f"{running.url}/slides/accueil/0/preview.png")
    portrait = editor.get(f"{running.url}/slides/accueil/0/preview.png?size=portrait")
    assert landscape.headers["Content-Type"] == "image/png"
    before = Image.open(io.BytesIO(landscape.content)).convert("RGB")
    assert before.size == (1920, 1080)
    assert Image.open(io.BytesIO(portrait.content)).size == (1080, 1920)
    assert before.getextrema() != ((0, 0), (0, 0), (0, 0))  # something drawn
    form = _form(running, editor, "accueil", 0)
    form["f.title"] = "Tout autre titre"
    editor.post(f"{running.url}/slides/accueil/0", data=form)
    after = Image.open(
        io.BytesIO(editor.get(f"{running.url}/slides/accueil/0/preview.png").content)
    )
    assert ImageChops.difference(before, after.convert("RGB")).getbbox() is not None


def test_a_change_is_previewed_before_it_is_saved_and_nothing_is_written(
    running: Running,
) -> None:
    path = running.studio.root / "playlists" / "accueil.yaml"
    before = path.read_text(encoding="utf-8")
    editor = running.session("editor")
    saved = editor.get(f"{running.url}/slides/accueil/0/preview.png").content
    form = _form(running, editor, "accueil", 0)
    form.update({"f.title": "Un titre encore à l’essai", "do": "preview"})
    answer = editor.post(f"{running.url}/slides/accueil/0", data=form)
    assert answer.status_code == 200 and "rien n’est encore enregistré" in spaced(answer.text)
    assert path.read_text(encoding="utf-8") == before  # nothing written, no version made
    assert 'value="Un titre encore à l’essai"' in answer.text  # the form keeps what was typed
    src = re.search(r'<img class="preview" src="([^"]+)"', answer.text)[1]
    assert "draft=" in src
    draft = editor.get(f"{running.url}{html.unescape(src)}")
    assert draft.status_code == 200 and draft.headers["Content-Type"] == "image/png"
    middle = (0, 150, 1920, 900)  # under the header's clock, which may turn a minute
    pictures = [
        Image.open(io.BytesIO(b)).convert("RGB").crop(middle) for b in (saved, draft.content)
    ]
    assert ImageChops.difference(*pictures).getbbox() is not None  # the change, drawn
    portrait = editor.get(f"{running.url}{html.unescape(src)}&size=portrait")
    assert Image.open(io.BytesIO(portrait.content)).size == (1080, 1920)
    # another editor's session cannot see it; the saved slide's preview is unchanged
    admin = running.session("admin")
    assert admin.get(f"{running.url}{html.unescape(src)}").status_code == 404
    unsaved = editor.get(f"{running.url}/slides/accueil/0/preview.png").content
    unsaved_middle = Image.open(io.BytesIO(unsaved)).convert("RGB").crop(middle)
    assert ImageChops.difference(pictures[0], unsaved_middle).getbbox() is None
    # an invalid value: the checker's words, as a save would say them, and still nothing
    refused = editor.post(f"{running.url}/slides/accueil/0", data={**form, "f.duration": "-3"})
    assert refused.status_code == 400 and "duration" in refused.text
    assert path.read_text(encoding="utf-8") == before
    # then saved as it was previewed: the same picture
    del form["do"]
    assert editor.post(f"{running.url}/slides/accueil/0", data=form).status_code == 200
    assert "Un titre encore à l’essai" in path.read_text(encoding="utf-8")
    now = editor.get(f"{running.url}/slides/accueil/0/preview.png").content
    shown_now = Image.open(io.BytesIO(now)).convert("RGB").crop(middle)
    assert ImageChops.difference(pictures[1], shown_now).getbbox() is None


def test_a_version_is_brought_back_with_its_photos(running: Running) -> None:
    root = running.studio.root
    path = root / "playlists" / "accueil.yaml"
    original = path.read_text(encoding="utf-8")
    editor = running.session("editor")
    form = _form(running, editor, "accueil", 0)
    form["f.title"] = "Un titre à défaire"
    editor.post(f"{running.url}/slides/accueil/0", data=form)
    assert send(running, editor, [("soiree.jpg", jpeg())]).status_code == 200
    (photo,) = running.studio.queue.all()
    queue = editor.get(f"{running.url}/photos/queue").text
    csrf = queue.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    editor.post(
        f"{running.url}/photos/{photo.id}/approve", data={"csrf": csrf, "folder": "assets/photos"}
    )
    assert any(p.name.startswith("studio-") for p in (root / "assets" / "photos").iterdir())
    page = editor.get(f"{running.url}/history").text
    assert "Version 3" in page and "Version 1" in page
    answer = editor.post(f"{running.url}/history/1/restore", data={"csrf": csrf})
    assert answer.status_code == 200 and "Version 1 rétablie (2 fichier(s)" in spaced(answer.text)
    assert path.read_text(encoding="utf-8") == original
    assert not any(p.name.startswith("studio-") for p in (root / "assets" / "photos").iterdir())
    assert running.studio.history.versions()[0].what == "back to version 1"


def test_publish_rollback_brings_an_earlier_version_back(example: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed"

    def publish(*more: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "signage", "publish", str(example), "--out", str(feed), *more],
            capture_output=True, text=True, cwd=REPO, timeout=120,
        )  # fmt: skip

    assert publish().returncode == 0
    (first,) = kept_versions(feed)
    playlist = example / "playlists" / "accueil.yaml"
    playlist.write_text(
        playlist.read_text(encoding="utf-8").replace("Bienvenue aux 8es", "Bonjour aux 8es"),
        encoding="utf-8",
    )
    assert publish().returncode == 0  # another version: its name carries the content's hash
    assert len(kept_versions(feed)) == 2
    back = publish("--rollback", first)
    assert back.returncode == 0 and f"back to version {first}" in back.stdout
    assert json.loads((feed / "manifest.json").read_text())["version"] == first
    unknown = publish("--rollback", "20990101T000000Z-nothing")
    assert (
        unknown.returncode != 0
        and "no version 20990101T000000Z-nothing kept" in unknown.stderr + unknown.stdout
    )


def _csrf(running: Running, http: requests.Session) -> str:
    page = http.get(f"{running.url}/slides").text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_an_announcement_is_added_and_a_slide_deleted_once_confirmed(running: Running) -> None:
    from signage.content.folder import load_content

    path = running.studio.root / "playlists" / "accueil.yaml"
    before = path.read_text(encoding="utf-8")
    editor = running.session("editor")
    csrf = _csrf(running, editor)
    added = editor.post(f"{running.url}/slides/accueil/add",
                        data={"csrf": csrf, "title": "Déjeuner : à 12 h 30", "body": "Au niveau -1.\r\nBuffet."})  # fmt: skip
    assert "Annonce ajoutée à la fin de playlists/accueil.yaml." in spaced(added.text)
    after = path.read_text(encoding="utf-8")
    assert [line for line in _diff(before, after) if line.startswith("-")] == []  # only added
    assert after.endswith(
        '    title: "Déjeuner : à 12 h 30"\n    body: |\n      Au niveau -1.\n      Buffet.\n'
    )
    content, report = load_content(running.studio.root)
    assert content is not None, [d.format() for d in report.items]
    assert content.playlists[0].slides[-1].title == "Déjeuner : à 12 h 30"
    asked = editor.post(f"{running.url}/slides/accueil/1/delete", data={"csrf": csrf})
    assert "Supprimer la diapositive « En ce moment »\u00a0?" in asked.text
    assert path.read_text(encoding="utf-8") == after  # nothing before it is confirmed
    deleted = editor.post(
        f"{running.url}/slides/accueil/1/delete", data={"csrf": csrf, "confirm": "yes"}
    )
    assert "Diapositive 2 supprimée." in spaced(deleted.text)
    gone = path.read_text(encoding="utf-8")
    assert "programme-maintenant" not in gone and all(
        line.startswith("-") for line in _diff(after, gone)
    )
    assert running.studio.history.versions()[0].what.endswith("slide 2 (En ce moment) deleted")
    empty = editor.post(f"{running.url}/slides/accueil/add", data={"csrf": csrf, "title": " "})
    assert "Donnez un titre à l’annonce." in spaced(empty.text)


def test_a_slide_of_another_kind_is_added_with_its_file_chosen_among_the_contents(
    running: Running,
) -> None:
    from signage.content.folder import load_content

    path = running.studio.root / "playlists" / "accueil.yaml"
    before = path.read_text(encoding="utf-8")
    editor = running.session("editor")
    assert "Ajouter une diapositive" in editor.get(f"{running.url}/slides").text
    page = editor.get(f"{running.url}/slides/accueil/new?kind=photo")
    assert page.status_code == 200
    # the image is chosen among the content's images (its folders are the photos slide's)
    options = re.search(r'<select name="f\.image"[^>]*>(.*?)</select>', page.text, re.S)[1]
    assert "<option>assets/amphi-grand-bleu.jpg</option>" in options
    assert "playlists/" not in options and ".studio" not in options
    folders = editor.get(f"{running.url}/slides/accueil/new?kind=photos").text
    assert "<option>assets/photos</option>" in folders
    csrf = _csrf(running, editor)
    form = {"csrf": csrf, "kind": "photo", "shown.image": "1", "f.image": "",
            "f.caption": "L’amphithéâtre : 400 places", "f.duration": "6"}  # fmt: skip
    refused = editor.post(f"{running.url}/slides/accueil/new", data=form)
    assert refused.status_code == 400 and "image" in refused.text
    assert 'value="L’amphithéâtre : 400 places"' in refused.text  # what was typed stays
    assert path.read_text(encoding="utf-8") == before
    added = editor.post(
        f"{running.url}/slides/accueil/new", data={**form, "f.image": "assets/amphi-grand-bleu.jpg"}
    )
    assert "Diapositive photo ajoutée à la fin de playlists/accueil.yaml." in spaced(added.text)
    after = path.read_text(encoding="utf-8")
    assert [line for line in _diff(before, after) if line.startswith("-")] == []  # only added
    assert after.endswith(
        "  - type: photo\n    image: assets/amphi-grand-bleu.jpg\n"
        '    caption: "L’amphithéâtre : 400 places"\n    duration: 6\n'
    )
    content, report = load_content(running.studio.root)
    assert content is not None, [d.format() for d in report.items]
    slide = content.playlists[0].slides[-1]
    assert (slide.image, slide.caption, slide.duration_s) == (
        "assets/amphi-grand-bleu.jpg", "L’amphithéâtre : 400 places", 6.0,
    )  # fmt: skip
    # its form: the image chosen in the same list, the one written selected
    from signage.studio.edit import slides_of

    index = len(slides_of(after, "playlists/accueil.yaml")) - 1
    opened = editor.get(f"{running.url}/slides/accueil/{index}").text
    assert "<option selected>assets/amphi-grand-bleu.jpg</option>" in opened
    unknown = editor.post(f"{running.url}/slides/accueil/new", data={**form, "kind": "nothing"})
    assert "Choisissez un type de diapositive." in spaced(unknown.text)


def test_a_playlists_own_keys_are_edited_and_only_their_lines_change(running: Running) -> None:
    """The playlist's settings form (name, screens, priority, sync) generated from its
    declared keys: the screens typed comma separated become a flow list written before the
    slides, the priority changes in place, and nothing else of the file moves; a value the
    checker refuses is said in its words and nothing is written."""
    path = running.studio.root / "playlists" / "programme.yaml"
    before = path.read_text(encoding="utf-8")
    editor = running.session("editor")
    listing = editor.get(f"{running.url}/slides").text
    assert 'href="/slides/programme/settings"' in listing
    form = _form(running, editor, "programme", "settings")
    assert form["f.name"] == "Programme des Rencontres" and form["f.priority"] == "10"
    assert form["f.screens"] == ""  # every screen: the key is not written
    page = editor.get(f"{running.url}/slides/programme/settings").text
    assert "(séparés par des virgules)" in page and "(à changer dans le fichier)" in page
    form |= {"f.screens": "hall, porte-grand-bleu", "f.priority": "20"}
    answer = editor.post(f"{running.url}/slides/programme/settings", data=form)
    assert answer.status_code == 200, spaced(answer.text)
    assert "Enregistré : priority, screens." in spaced(answer.text)
    after = path.read_text(encoding="utf-8")
    assert _diff(before, after) == [
        "-priority: 10",
        "+priority: 20",
        "+screens: [hall, porte-grand-bleu]",
    ]
    assert after.index("screens: [hall, porte-grand-bleu]") < after.index("slides:")
    # back to one screen: a single name, as the key allows (screens: hall)
    form = _form(running, editor, "programme", "settings")
    assert form["f.screens"] == "hall, porte-grand-bleu"
    form["f.screens"] = "hall"
    assert editor.post(f"{running.url}/slides/programme/settings", data=form).status_code == 200
    assert "\nscreens: hall\n" in path.read_text(encoding="utf-8")
    # refused in the checker's words, what was typed kept, the file untouched
    kept = path.read_text(encoding="utf-8")
    form = _form(running, editor, "programme", "settings") | {"f.priority": "5000"}
    refused = editor.post(f"{running.url}/slides/programme/settings", data=form)
    assert refused.status_code == 400 and "priority" in refused.text
    assert "programme.yaml:4:" in html.unescape(spaced(refused.text))
    assert 'value="5000"' in refused.text
    assert path.read_text(encoding="utf-8") == kept
    # a photographer does not change playlists
    photographer = running.session("photographer")
    assert photographer.get(f"{running.url}/slides/programme/settings").status_code == 403
