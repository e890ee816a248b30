import json
import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
VECTORS_DIR = REPO / "testdata" / "plan-vectors"


@pytest.fixture(scope="session")
def vectors():
    with open(VECTORS_DIR / "vectors.json", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def fixture_dataset():
    return VECTORS_DIR / "dataset"


@pytest.fixture(scope="session")
def it_bucket():
    """The bucket PythonReaderIT (training-reader) wrote datasets to, on its s3proxy; the AWS
    variables (AWS_ENDPOINT_URL_S3, AWS_REGION, credentials) point at it. Run outside that IT,
    the S3 tests are skipped."""
    bucket = os.environ.get("MINIETL_IT_BUCKET")
    if not bucket:
        pytest.skip("no MINIETL_IT_BUCKET: run through PythonReaderIT (mvn verify)")
    return bucket


@pytest.fixture(scope="session")
def s3(it_bucket):
    from minietl.store import s3_client

    return s3_client()
