"""``python -m minietl batches``: print one rank's plan, one JSON object per batch per line.

The same flags and byte-identical output as the Java CLI's ``batches`` command (issue 9): keys
are the selected columns in the order given, then ``"padding"``; strings as RFC 8785 writes them
(UTF-8, non-ASCII literal, only ``"``, ``\\`` and control characters escaped), integers as
integers, timestamps as ISO-8601 UTC with microseconds and ``Z``, nulls as ``null``.
Exit codes: 0 ok, 1 unexpected failure, 2 usage or configuration.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any, Callable

import pyarrow as pa

_EPOCH = dt.datetime(1970, 1, 1)


def _string(s: str) -> str:
    # json.dumps with ensure_ascii=False is RFC 8785 for strings: it escapes exactly '"', '\\'
    # and U+0000..U+001F (\b \f \n \r \t, else \u00xx in lower-case hex), nothing else.
    return json.dumps(s, ensure_ascii=False)


def _timestamp(micros: int) -> str:
    return '"' + (_EPOCH + dt.timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ") + '"'


def _encoder(t: pa.DataType) -> Callable[[Any], str]:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return _string
    if pa.types.is_integer(t):
        return str
    if pa.types.is_boolean(t):
        return lambda v: "true" if v else "false"
    if pa.types.is_timestamp(t):
        return _timestamp
    raise ValueError(f"Cannot print a column of type {t}")


def batch_lines(batches, columns: list[str]):
    """The JSON lines of an iterator of :class:`minietl.Batch`."""
    encoders = None
    for b in batches:
        data = b.data
        if encoders is None:
            encoders = [_encoder(data.schema.field(c).type) for c in columns]
        cols = []
        for c, enc in zip(columns, encoders):
            col = data.column(c)
            if pa.types.is_timestamp(col.type):
                col = col.cast(pa.int64())
            cols.append([("null" if v is None else enc(v)) for v in col.to_pylist()])
        parts = [f"{_string(c)}:[{','.join(vals)}]" for c, vals in zip(columns, cols)]
        parts.append('"padding":[' + ",".join("true" if p else "false" for p in b.padding.tolist()) + "]")
        yield "{" + ",".join(parts) + "}\n"


def _between(text: str):
    from .spec import Between

    column, sep, rest = text.partition(":")
    lo, sep2, hi = rest.partition(":")
    if not (sep and sep2 and column):
        raise ValueError(f"Invalid --between '{text}': expected COLUMN:LO:HI")
    return Between(column, int(lo), int(hi))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m minietl", description="Mini ETL Python reader")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("batches", help="print one rank's batches of an epoch as JSON lines")
    b.add_argument("--dataset", required=True, help="s3://bucket/prefix or a directory")
    b.add_argument("--dataset-version", type=int, default=None, help="a pinned manifest version")
    b.add_argument(
        "--run-id",
        default=None,
        help="agree on the version with the other ranks of this run: the first to open the epoch"
        " pins its latest version in _pins/RUN_ID/epoch-N.json, the others plan on it",
    )
    order = b.add_mutually_exclusive_group()
    order.add_argument("--seed", type=int, default=None, help="shuffle with this seed")
    order.add_argument("--sequential", action="store_true", help="manifest order (the default)")
    b.add_argument("--epoch", type=int, default=0)
    b.add_argument("--rank", type=int, default=0)
    b.add_argument("--world-size", type=int, default=1)
    b.add_argument("--batch-size", type=int, required=True)
    b.add_argument("--columns", default="article_id", help="comma-separated (default article_id)")
    b.add_argument("--remainder", choices=["pad", "drop"], default="pad")
    b.add_argument("--window-units", type=int, default=8)
    b.add_argument("--split", choices=["train", "validation"], default=None)
    b.add_argument("--train-fraction", type=float, default=None)
    b.add_argument("--between", type=_between, action="append", default=[], metavar="COLUMN:LO:HI")
    return p


def main(argv: list[str] | None = None) -> int:
    from .dataset import Dataset, ShardReadError
    from .spec import AllOf, ReadSpec

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 2
    try:
        columns = [c for c in args.columns.split(",") if c]
        if (args.split is None) != (args.train_fraction is None):
            raise ValueError("Invalid split: give --split and --train-fraction together")
        filters = args.between
        spec = ReadSpec(
            batch_size=args.batch_size,
            columns=tuple(columns),
            seed=None if args.sequential else args.seed,
            epoch=args.epoch,
            rank=args.rank,
            world_size=args.world_size,
            window_units=args.window_units,
            split=args.split,
            train_fraction=args.train_fraction or 0.0,
            filter=None if not filters else filters[0] if len(filters) == 1 else AllOf(tuple(filters)),
            remainder=args.remainder,
        )
        if args.run_id is not None and args.dataset_version is not None:
            raise ValueError("Invalid --run-id: give --run-id or --dataset-version, not both")
        ds = Dataset.open(
            args.dataset,
            version=args.dataset_version,
            run_id=args.run_id,
            epoch=args.epoch,
            agree=None if args.run_id is None else "pin",
        )
    except ValueError as e:
        print(f"minietl batches: {e}", file=sys.stderr)
        return 2
    try:
        out = sys.stdout.buffer
        for line in batch_lines(ds.batches(spec), columns):
            out.write(line.encode("utf-8"))
        out.flush()
        return 0
    except (ValueError, ShardReadError) as e:
        print(f"minietl batches: {e}", file=sys.stderr)
        return 2 if isinstance(e, ValueError) else 1
    finally:
        ds.close()


if __name__ == "__main__":
    sys.exit(main())
