"""Reads a Parquet export back with pyarrow (independent of the Java writer) and prints a JSON summary.

Usage: parquet_check.py EXPORT_DIR DATASET_DIR
Prints {"rows", "article_ids" (sorted), "word_count_sum", "rows_by_dt", "files", "schemas_equal"}:
schemas_equal is true when every Parquet file has exactly the columns and types of the Arrow shard
it came from (found through the export record).
"""
import json
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

export, dataset = Path(sys.argv[1]), Path(sys.argv[2])
table = ds.dataset(export, format="parquet", partitioning="hive").to_table()
record = json.loads((export / "_minietl_export.json").read_text())
schemas_equal = True
for key, entry in record["files"].items():
    parquet_schema = pq.read_schema(export / key)
    arrow_schema = ipc.open_file(dataset / entry["source"]).schema
    if not parquet_schema.equals(arrow_schema, check_metadata=False):
        schemas_equal = False
        print("schema differs for", key, file=sys.stderr)
rows_by_dt = {}
for dt in table.column("dt").to_pylist():
    rows_by_dt[str(dt)] = rows_by_dt.get(str(dt), 0) + 1
print(
    json.dumps(
        {
            "rows": table.num_rows,
            "article_ids": sorted(table.column("article_id").to_pylist()),
            "word_count_sum": sum(table.column("word_count").to_pylist()),
            "rows_by_dt": rows_by_dt,
            "files": sorted(str(p.relative_to(export)) for p in export.rglob("*.parquet")),
            "schemas_equal": schemas_equal,
        }
    )
)
