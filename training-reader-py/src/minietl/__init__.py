"""minietl: the Python training reader of Mini ETL datasets (Arrow IPC shards + a JSON manifest).

The same epoch plan as the Java ``training-reader`` (docs/DESIGN.md): the same (version, spec)
gives the same rows in the same order in either language, and a position saved by one resumes in
the other. torch and datasets are optional: ``minietl.torch`` and :meth:`Dataset.to_hf` import them.
"""

from .dataset import Batch, BatchIterator, Dataset, ShardReadError, run_id_from_environment
from .manifest import FeatureStats, ManifestError, ShardEntry
from .spec import AllOf, Between, Equal, Filter, Position, ReadSpec, Split, bucket

__all__ = [
    "AllOf",
    "Batch",
    "BatchIterator",
    "Between",
    "Dataset",
    "Equal",
    "FeatureStats",
    "Filter",
    "ManifestError",
    "Position",
    "ReadSpec",
    "ShardEntry",
    "ShardReadError",
    "Split",
    "bucket",
    "run_id_from_environment",
]

__version__ = "0.1.0"
