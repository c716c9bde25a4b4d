from __future__ import annotations

from pathlib import Path

from proscribe.settings import Settings, get_settings, override_settings, settings_markdown

DOCS = Path(__file__).parent.parent / "docs" / "settings.md"


def test_docs_list_every_setting() -> None:
    assert DOCS.read_text() == settings_markdown(), "run: python -m proscribe.settings > docs/settings.md"


def test_every_setting_has_help_text() -> None:
    for name, info in Settings.model_fields.items():
        assert info.description, name


def test_override_is_scoped(tmp_path: Path) -> None:
    before = get_settings().data_dir
    with override_settings(data_dir=tmp_path) as s:
        assert get_settings() is s and s.data_dir == tmp_path
        assert s.store_url == f"sqlite:///{tmp_path / 'proscribe.db'}"
    assert get_settings().data_dir == before
