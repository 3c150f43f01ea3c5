"""Fetching a photo or voice file from wherever the channel left it, and checking it.

Sources: a WeCom or official-account `media_id` (expires after 3 days, so it is fetched at once),
an http(s) URL a bridge serves, or a `data:` URL. Checks: type by magic bytes (the declared
Content-Type is not trusted), a size cap, and for images the dimensions, read by Pillow before
any pixel is decoded.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import warnings
from dataclasses import dataclass

import requests
from PIL import Image
from wechatpy.exceptions import WeChatClientException

log = logging.getLogger(__name__)

IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"GIF87a", "image/gif", "GIF"),
    (b"GIF89a", "image/gif", "GIF"),
)
VOICE_MAGIC = ((b"#!AMR", "audio/amr"), (b"#!SILK", "audio/silk"), (b"ID3", "audio/mpeg"))
GONE_ERRCODES = {40007, 46004}  # invalid / expired media_id: asking again will not help


class MediaRejected(Exception):
    """Not something we keep: wrong type, too big, too small, undecodable."""


class MediaGone(Exception):
    """The far side no longer has it (expired media_id, 404); retrying cannot help."""


@dataclass(frozen=True)
class Checked:
    """What the checks found."""

    content_type: str
    width: int | None = None
    height: int | None = None


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(content type, Pillow format) by magic bytes, or None."""
    for magic, content_type, fmt in IMAGE_MAGIC:
        if data.startswith(magic):
            return content_type, fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "WEBP"
    return None


def check_image(data: bytes, settings) -> Checked:
    """Type by magic bytes, size cap, dimensions; MediaRejected otherwise."""
    if len(data) > settings.max_bytes:
        raise MediaRejected(f"too large: {len(data)} bytes > {settings.max_bytes}")
    sniffed = sniff_image(data)
    if sniffed is None:
        raise MediaRejected(f"not a JPEG/PNG/GIF/WebP image (starts {data[:8].hex()})")
    content_type, fmt = sniffed
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                width, height = img.size  # read from the header: nothing decoded yet
                if width * height > settings.max_pixels:
                    raise MediaRejected(f"too many pixels: {width}x{height}")
                img.verify()
    except MediaRejected:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise MediaRejected(f"unreadable {fmt}: {type(exc).__name__}: {exc}"[:200]) from None
    if min(width, height) < settings.min_side:
        raise MediaRejected(f"too small: {width}x{height}")
    return Checked(content_type, width, height)


def check_voice(data: bytes, settings) -> Checked:
    """Voice files are kept as they come, within the size cap (WeChat sends AMR or SILK)."""
    if not data:
        raise MediaRejected("empty voice file")
    if len(data) > settings.max_bytes:
        raise MediaRejected(f"too large: {len(data)} bytes > {settings.max_bytes}")
    kind = next((ct for magic, ct in VOICE_MAGIC if data.startswith(magic)), None)
    return Checked(kind or "application/octet-stream")


def check(data: bytes, kind: str, settings) -> Checked:
    """Check `data` as an image or a voice file."""
    return check_voice(data, settings) if kind == "voice" else check_image(data, settings)


class Fetcher:
    """Gets the bytes an attachment's `origin` points at."""

    def __init__(self, clients: dict, timeout: float, max_bytes: int):
        self.clients, self.timeout, self.max_bytes = clients, timeout, max_bytes

    def fetch(self, origin: dict) -> bytes:
        """The bytes; MediaGone, MediaRejected, or any other error (worth a retry)."""
        if origin.get("media_id"):
            return self._media_id(origin.get("channel", ""), origin["media_id"])
        url = origin.get("url") or ""
        if url.startswith("data:"):
            return decode_data_url(url, self.max_bytes)
        if url.startswith(("http://", "https://")):
            return self._http(url)
        raise MediaRejected(f"no usable source in {sorted(origin)}")

    def _media_id(self, channel: str, media_id: str) -> bytes:
        client = self.clients.get(channel)
        if client is None:
            raise MediaGone(f"{channel} client not configured, cannot fetch media {media_id}")
        try:
            # Through the client's own request path: base URL, token refresh on 40014/42001.
            result = client.get("media/get", params={"media_id": media_id})
        except WeChatClientException as exc:
            if exc.errcode in GONE_ERRCODES:
                raise MediaGone(f"media {media_id}: {exc.errcode} {exc.errmsg}") from None
            raise
        if isinstance(result, dict):  # JSON without errcode: not a file
            raise MediaRejected(f"media {media_id}: JSON instead of a file")
        return result.content

    def _http(self, url: str) -> bytes:
        with requests.get(url, stream=True, timeout=self.timeout) as resp:
            if resp.status_code in (404, 410):
                raise MediaGone(f"{resp.status_code} from the image URL")
            resp.raise_for_status()
            data = b""
            for chunk in resp.iter_content(64 * 1024):
                data += chunk
                if len(data) > self.max_bytes:  # stop reading: never hold more than the cap
                    raise MediaRejected(f"too large: more than {self.max_bytes} bytes")
            return data


def decode_data_url(url: str, max_bytes: int) -> bytes:
    """The bytes of a base64 `data:` URL."""
    header, sep, payload = url.partition(",")
    if not sep or not header.endswith(";base64"):
        raise MediaRejected("data: URL must be base64")
    if len(payload) * 3 // 4 > max_bytes:
        raise MediaRejected(f"too large: more than {max_bytes} bytes")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise MediaRejected("data: URL is not valid base64") from None
