"""`warm_up()` loads the transliteration libraries before the first name needs them."""

from __future__ import annotations

import subprocess
import sys


def test_warm_up_imports_the_transliteration_libraries() -> None:
    # A fresh interpreter: this test process may have imported them already.
    code = ("import sys; from proscribe.text.translit import warm_up; "
            "assert 'pypinyin' not in sys.modules and 'iuliia' not in sys.modules; "
            "assert 'snowballstemmer' not in sys.modules; "
            "warm_up(); assert 'pypinyin' in sys.modules and 'iuliia' in sys.modules; "
            "assert 'snowballstemmer' in sys.modules; "
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_warm_up_works_out_the_hangul_spelling_model() -> None:
    from proscribe.text.sinokorean import hanja_read_syllables
    from proscribe.text.translit import _least_surprise, warm_up

    warm_up()
    before = _least_surprise.cache_info()
    for syllable in hanja_read_syllables():
        _least_surprise(syllable)
    after = _least_surprise.cache_info()
    assert after.misses == before.misses  # every one already worked out
    assert "정" in hanja_read_syllables() and "똘" not in hanja_read_syllables()
