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
