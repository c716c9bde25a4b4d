"""Batch screening of customer files: CSV, Parquet or JSON lines in, hits out.

Resumable (a checkpoint after every chunk), on one core, a local process pool or a Dask
cluster (`proscribe.batch.distributed`, the only place Dask is imported).
"""

from proscribe.batch.columns import FIELDS, ColumnMap, guess_columns, parse_mapping, row_query
from proscribe.batch.output import HIT_COLUMNS, REJECT_COLUMNS
from proscribe.batch.readers import open_input
from proscribe.batch.run import BatchSummary, screen_file
from proscribe.batch.worker import PartitionResult, screen_partition, screen_rows

__all__ = [
    "FIELDS",
    "HIT_COLUMNS",
    "REJECT_COLUMNS",
    "BatchSummary",
    "ColumnMap",
    "PartitionResult",
    "guess_columns",
    "open_input",
    "parse_mapping",
    "row_query",
    "screen_file",
    "screen_partition",
    "screen_rows",
]
