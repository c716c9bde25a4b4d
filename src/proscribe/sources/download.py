"""Fetch the current list files from their official URLs into a dated download folder.

Everything is fetched into a temporary folder first; only when every file of a publication
arrived whole is it moved under `<data_dir>/downloads/<layout>/<date>/`, so an interrupted
or offline run changes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from proscribe.errors import DownloadError
from proscribe.settings import Settings


@dataclass(frozen=True, slots=True)
class Download:
    source: str
    folder: str  # layout folder under the downloads root, e.g. "ofac/sdn"
    urls: dict[str, str]  # file name -> URL


def official_downloads(settings: Settings) -> list[Download]:
    sdn_base = settings.url_ofac_sdn.rstrip("/") + "/"
    return [
        Download("un", "un", {"consolidated.xml": settings.url_un}),
        Download(
            "ofac_sdn",
            "ofac/sdn",
            {name: sdn_base + name for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")},
        ),
        Download("ofac_cons", "ofac/cons", {"consolidated.xml": settings.url_ofac_cons}),
        Download("uk_ofsi", "uk", {"ConList.csv": settings.url_uk_ofsi}),
    ]


def fetch(downloads: list[Download], root: Path, *, timeout: float) -> Path:
    """Download every file; raise DownloadError (and keep nothing) if any one fails."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    tmp = Path(tempfile.mkdtemp(prefix="proscribe-dl-"))
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            for item in downloads:
                target = tmp / item.folder / stamp
                target.mkdir(parents=True, exist_ok=True)
                for name, url in item.urls.items():
                    try:
                        with client.stream("GET", url) as response:
                            response.raise_for_status()
                            with (target / name).open("wb") as fh:
                                for chunk in response.iter_bytes():
                                    fh.write(chunk)
                    except httpx.HTTPStatusError as exc:
                        raise DownloadError(
                            f"the server answered {exc.response.status_code}",
                            source=item.source,
                            file=url,
                        ) from exc
                    except httpx.HTTPError as exc:
                        raise DownloadError(
                            "could not download the list (offline or unreachable); "
                            "nothing was changed",
                            source=item.source,
                            file=url,
                            found=f"{type(exc).__name__}: {exc}",
                        ) from exc
        root.mkdir(parents=True, exist_ok=True)
        for item in downloads:
            dest = root / item.folder / stamp
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(tmp / item.folder / stamp), dest)
        return root
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
