"""The matcher compiled by mypyc (setup.py) scores exactly as the interpreted source."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import proscribe
from proscribe.matching import name_v1

SRC = Path(proscribe.__file__).resolve().parent
# Pairs that take every path of the scorer: Hangul, Cyrillic, Han, compounds, initials,
# legal forms, filiation, numbers, facts.
SCRIPT = r"""
import json, sys
from proscribe.matching import name_v1
from proscribe.model import Entity, EntityKind, FuzzyDate, Name, NameKind
from proscribe.screening import Screener, ScreeningQuery
pairs = [
    ("Kim Chong-un", "KIM JONG UN", "person", "1984"),
    ("김정은", "KIM JONG UN", "person", None),
    ("리샤오펑", "LI Xiaopeng", "person", None),
    ("Агросоюз", "AGROSOYUZ", "organization", None),
    ("JSCARGUMENT", "JSC ARGUMENT", "organization", None),
    ("11420 CORP", "11421 CORP", "organization", None),
    ("Kim Yong Chol", "Kim Yong Chun", "person", None),
    ("SALEK, ABDULHAI", "ABDULHAI MOHAMMAD SALEK", "person", "1965"),
    ("Omar bin Abdullah", "Abdullah bin Omar", "person", None),
    ("A. Al-Khateeb", "Abdulrahman Al-Khateeb", "person", "1970"),
    ("习近平", "XI Jinping", "person", None),
    ("OAO Gazprom Neft", "Gazprom Neft JSC", "organization", None),
    ("East Asia", "EAST ASIA TRADING", "organization", None),
]
ents = [Entity("t", str(n), EntityKind(kind), [Name(c, NameKind.WEAK_ALIAS if n == 12 else
        NameKind.PRIMARY)], birth_dates=[FuzzyDate(d)] if d else [])
        for n, (q, c, kind, d) in enumerate(pairs)]
screener = Screener.build(ents, [])
out = {"compiled": name_v1.COMPILED, "scores": []}
for n, (q, c, kind, d) in enumerate(pairs):
    s = screener.compare(ScreeningQuery(name=q, type=kind, dob=d), ents[n])
    out["scores"].append([s.score, s.name_score, [list(p) for p in s.alignment],
                          [list(r) for r in s.reasons]])
    res = screener.screen(ScreeningQuery(name=q, type=kind, dob=d))
    out["scores"].append([[c.entity_id, c.score] for c in res.candidates])
if len(sys.argv) > 1:  # a saved index written by one build is read by the other
    import os
    if os.path.exists(sys.argv[1]):
        loaded = Screener.load(sys.argv[1])
        out["loaded"] = [[c.entity_id, c.score] for c in
                         loaded.screen(ScreeningQuery(name="Kim Chong-un", type="person",
                                                     dob="1984")).candidates]
    else:
        screener.save(sys.argv[1])
print(json.dumps(out))
"""


def _run(pythonpath: Path | None, index: Path) -> dict[str, object]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(index)], env=env,
                          capture_output=True,
                          text=True, check=True, cwd=str(pythonpath or SRC.parent))
    data: dict[str, object] = json.loads(proc.stdout)
    return data


@pytest.mark.skipif(not name_v1.COMPILED, reason="the matcher is not compiled here "
                    "(PROSCRIBE_PURE_PYTHON=1 or no C compiler at install)")
def test_compiled_and_interpreted_scores_are_identical(tmp_path: Path) -> None:
    # The package without its compiled modules: the interpreted source of the same files.
    shutil.copytree(SRC, tmp_path / "proscribe",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    pure = _run(tmp_path, tmp_path / "index")       # writes the index
    compiled = _run(None, tmp_path / "index")       # reads it
    assert pure["compiled"] is False and compiled["compiled"] is True
    assert pure["scores"] == compiled["scores"]
    assert compiled["loaded"] == pure["scores"][1]  # Kim Chong-un, screened on the load


@pytest.mark.skipif(not name_v1.COMPILED, reason="the matcher is not compiled here")
def test_a_stale_compiled_module_is_not_run(tmp_path: Path) -> None:
    # An edited source next to its older compiled copy: the source runs, with a warning.
    shutil.copytree(SRC, tmp_path / "proscribe", ignore=shutil.ignore_patterns("__pycache__"))
    for lib in SRC.parent.glob("*__mypyc*"):
        shutil.copy2(lib, tmp_path / lib.name)
    names = tmp_path / "proscribe" / "matching" / "name_v1" / "names.py"
    names.write_text(names.read_text() + "\nEDITED = True\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    code = ("from proscribe.matching import name_v1; "
            "print(name_v1.COMPILED, name_v1.names.EDITED)")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True, cwd=str(tmp_path))
    assert proc.stdout.split() == ["False", "True"]
    assert "older than their source" in proc.stderr
