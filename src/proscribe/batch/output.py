"""Output of a batch run, written chunk by chunk behind an atomic checkpoint.

After each chunk the hits and rejects are flushed and fsynced, then the sidecar
`<out>.progress` (JSON: input rows done, bytes of each output file, counts) is replaced
atomically. A run killed at any point is resumed from the last checkpoint: the output files
are cut back to the checkpointed sizes and the input is skipped to the checkpointed row, so
no row is lost and none is written twice.

CSV and JSON lines are appended in place. Parquet cannot be appended to, so each chunk is a
part file under `<out>.parts/` and the parts are joined into `<out>` at the end.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from proscribe.errors import ConfigError

#: Columns of a hits file: one row per candidate in the match or review band.
HIT_COLUMNS = (
    "line", "row_id", "query_name", "entity_id", "source", "ref", "entity_name",
    "matched_name", "score", "band", "explanation",
)
REJECT_COLUMNS = ("line", "reason", "raw")


def _fsync(fh: Any) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def atomic_write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON to `path` so that a reader sees the old or the new file, never half."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, default=str)
        _fsync(fh)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class TableWriter:
    """Appends rows (dicts over `columns`) to a CSV, JSON lines or Parquet file."""

    def __init__(self, path: Path, fmt: str, columns: Sequence[str],
                 state: dict[str, Any] | None) -> None:
        self.path = path
        self.format = fmt
        self.columns = tuple(columns)
        self._fh: Any = None
        self._parts: list[str] = []
        if fmt == "parquet":
            self.parts_dir = path.with_name(path.name + ".parts")
            if state is None:
                shutil.rmtree(self.parts_dir, ignore_errors=True)
            self.parts_dir.mkdir(parents=True, exist_ok=True)
            self._parts = list((state or {}).get("parts", []))
            keep = set(self._parts)
            for stray in self.parts_dir.iterdir():  # written after the last checkpoint
                if stray.name not in keep:
                    stray.unlink()
            return
        size = int((state or {}).get("bytes", 0))
        if state is None or not path.exists():
            if state is not None and size:
                raise ConfigError("cannot resume: output file is missing", file=str(path))
            self._fh = path.open("wb")
        else:
            self._fh = path.open("r+b")
            self._fh.truncate(size)  # drop whatever was written after the checkpoint
            self._fh.seek(size)
        if self._fh.tell() == 0 and fmt == "csv":
            self._fh.write(self._csv_bytes([dict(zip(self.columns, self.columns, strict=True))]))

    def _csv_bytes(self, rows: Sequence[dict[str, Any]]) -> bytes:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in self.columns])
        return buf.getvalue().encode("utf-8")

    def write(self, rows: Sequence[dict[str, Any]], chunk: int) -> None:
        if self.format == "parquet":
            if rows:
                import pyarrow as pa
                import pyarrow.parquet as pq

                name = f"part-{chunk:06d}.parquet"
                table = pa.Table.from_pylist(
                    [{c: r.get(c) for c in self.columns} for r in rows], schema=self.schema()
                )
                tmp = self.parts_dir / (name + ".tmp")
                pq.write_table(table, tmp)
                with tmp.open("rb") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, self.parts_dir / name)
                self._parts.append(name)
            return
        if self.format == "csv":
            self._fh.write(self._csv_bytes(rows))
        else:
            self._fh.write(
                "".join(json.dumps({c: r.get(c) for c in self.columns}, ensure_ascii=False,
                                   default=str) + "\n" for r in rows).encode("utf-8")
            )

    def schema(self) -> Any:
        import pyarrow as pa

        types = {"line": pa.int64(), "score": pa.float64()}
        return pa.schema([(c, types.get(c, pa.string())) for c in self.columns])

    def commit(self) -> dict[str, Any]:
        """Make what was written durable; the state to checkpoint."""
        if self.format == "parquet":
            return {"parts": list(self._parts)}
        _fsync(self._fh)
        return {"bytes": self._fh.tell()}

    def finish(self) -> None:
        """Close; for Parquet, join the parts into the output file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            return
        if self.format == "parquet":
            import pyarrow.parquet as pq

            tmp = self.path.with_name(self.path.name + ".tmp")
            with pq.ParquetWriter(tmp, self.schema()) as writer:
                for name in self._parts:
                    writer.write_table(pq.read_table(self.parts_dir / name, schema=self.schema()))
            os.replace(tmp, self.path)
            shutil.rmtree(self.parts_dir, ignore_errors=True)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


__all__ = ["HIT_COLUMNS", "REJECT_COLUMNS", "TableWriter", "atomic_write_json"]
