"""The production static storage: the app's module imports point at the hashed files."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.storage import FileSystemStorage

from hazari.app import assets
from hazari.app.storage import AppStaticFilesStorage


def test_module_imports_are_rewritten_to_hashed_names(tmp_path):
    names = [assets.STYLESHEET, *assets.modules(), *assets.FONTS]
    sources = {}
    for name in names:
        found = Path(str(finders.find(name)))
        root = str(found)[: -len(name)]
        sources[name] = (FileSystemStorage(location=root), name)
    storage = AppStaticFilesStorage(location=str(tmp_path), base_url="/static/")
    for name, (source, path) in sources.items():
        with source.open(path) as f:
            storage.save(name, f)
    errors = [e for _, _, e in storage.post_process(sources) if isinstance(e, Exception)]
    assert errors == []

    for module in assets.modules():
        hashed = storage.stored_name(module)
        assert hashed != module
        text = (tmp_path / hashed).read_text()
        imports = re.findall(r'from "\./([\w.-]+\.js)"', text)
        if module == assets.ENTRY:
            assert len(imports) >= 9
        for imported in imports:
            # e.g. ./db.1a2b3c4d5e6f.js: a hashed file that exists beside it.
            assert re.fullmatch(r"[a-z0-9]+\.[0-9a-f]{12}\.js", imported), (module, imported)
            assert (tmp_path / Path(hashed).parent / imported).exists()
    # The stylesheet's fonts are hashed too (Django's own CSS rewriting, kept).
    css = (tmp_path / storage.stored_name(assets.STYLESHEET)).read_text()
    assert re.search(r"noto-sans-devanagari-devanagari-400-normal\.[0-9a-f]{12}\.woff2", css)
