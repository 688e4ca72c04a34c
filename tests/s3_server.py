"""A real S3-compatible server on localhost for the storage tests: moto's server mode (HTTP, in a thread of the
test process, on 127.0.0.1 and a free port), with made-up credentials that reach nothing else."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from browser_support import free_port

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-access-key", "AWS_SECRET_ACCESS_KEY": "test-secret-key",
               "AWS_DEFAULT_REGION": "us-east-1"}


@contextmanager
def s3_server() -> Iterator[str]:
    """The endpoint of a fresh moto S3 server, stopped afterwards."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def client(endpoint: str):
    import boto3

    return boto3.session.Session(aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                 aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                                 region_name="us-east-1").client("s3", endpoint_url=endpoint)


def make_bucket(endpoint: str, bucket: str) -> None:
    client(endpoint).create_bucket(Bucket=bucket)
