"""Where photo and voice bytes live: a folder under var/ by default, an S3-compatible bucket when
configured (so web and workers on several hosts see the same files). Files are named by their
SHA-256, so the same photo sent twice is stored once."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class MediaStore(Protocol):
    """Content-addressed blobs: put returns the SHA-256 it stored under."""

    def put(self, data: bytes, content_type: str) -> str: ...

    def get(self, sha256: str) -> bytes | None: ...


def digest(data: bytes) -> str:
    """The name a blob is stored under."""
    return hashlib.sha256(data).hexdigest()


def _valid_name(sha256: str) -> bool:
    return len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256)


class FolderStore:
    """Blobs as files `<root>/ab/abcdef...`; written to a temp file, then renamed (atomic)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes, content_type: str) -> str:
        sha = digest(data)
        path = self._path(sha)
        if path.exists():  # same content already stored: nothing to write
            return sha
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)
        return sha

    def get(self, sha256: str) -> bytes | None:
        if not _valid_name(sha256):
            return None
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            return None


class S3Store:
    """Blobs as objects `<prefix><sha256>` in an S3-compatible bucket (MinIO, COS, OSS, AWS).

    Tested against SeaweedFS's S3 gateway (a real S3-compatible server, tests/media/s3server.py).
    """

    def __init__(self, client, bucket: str, prefix: str = "media/"):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def put(self, data: bytes, content_type: str) -> str:
        sha = digest(data)
        self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + sha, Body=data, ContentType=content_type
        )
        return sha

    def get(self, sha256: str) -> bytes | None:
        if not _valid_name(sha256):
            return None
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self.prefix + sha256)
        except self.client.exceptions.NoSuchKey:
            return None
        return obj["Body"].read()


def build_media_store(config, secrets) -> MediaStore:
    """The S3 store when `media.s3` is configured, else the folder (default var/media)."""
    media = config.media
    if media.s3 is None:
        return FolderStore(media.folder)
    import boto3  # only where S3 is configured: the import costs ~0.3 s

    client = boto3.client(
        "s3",
        endpoint_url=media.s3.endpoint_url,
        region_name=media.s3.region,
        aws_access_key_id=secrets.get("s3_access_key_id"),
        aws_secret_access_key=secrets.get("s3_secret_access_key"),
    )
    log.info("media: S3 bucket %s at %s", media.s3.bucket, media.s3.endpoint_url)
    return S3Store(client, media.s3.bucket, media.s3.prefix)
