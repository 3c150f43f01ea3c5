"""Fetching and checking files through wechatpy's real clients against the fake server."""

from __future__ import annotations

import base64
from types import SimpleNamespace

import pytest

from channels.media import (
    Fetcher,
    MediaGone,
    MediaRejected,
    check_image,
    check_voice,
    decode_data_url,
)
from channels.mediastore import FolderStore, digest
from channels.wxclients import build_wechat_client, build_wecom_client
from domain.config import MediaSettings
from domain.secrets import Secrets
from tests.fakewechat import EDGE_ENV
from tests.media.images import jpeg, png

SECRETS = Secrets({key.lower(): key for key in EDGE_ENV}, EDGE_ENV)
SETTINGS = MediaSettings()


def fetcher_for(server) -> Fetcher:
    channels = SimpleNamespace(
        wecom_api_base_url=server.url, wechat_api_base_url=server.url, http_timeout_seconds=3
    )
    config = SimpleNamespace(channels=channels)
    clients = {
        "wecom": build_wecom_client(config, SECRETS),
        "wechat": build_wechat_client(config, SECRETS),
    }
    return Fetcher(clients, 3, SETTINGS.max_bytes)


@pytest.mark.parametrize("channel", ["wecom", "wechat"])
def test_media_id_is_downloaded_with_the_channel_client(fake_wechat, channel):
    """The bytes WeChat holds come back unchanged, fetched with a token of that channel."""
    photo = jpeg()
    media_id = fake_wechat.add_media(photo)
    data = fetcher_for(fake_wechat).fetch({"channel": channel, "media_id": media_id})
    assert data == photo
    token_path = "/cgi-bin/gettoken" if channel == "wecom" else "/cgi-bin/token"
    assert len(fake_wechat.calls_to(token_path)) == 1


def test_token_expiring_in_the_middle_of_a_download_is_refreshed_once(fake_wechat):
    """42001 on the download: wechatpy fetches a new token and asks again; the file arrives."""
    photo = jpeg()
    media_id = fake_wechat.add_media(photo)
    fetcher = fetcher_for(fake_wechat)
    fetcher.fetch({"channel": "wecom", "media_id": fake_wechat.add_media(png())})  # warm token
    fake_wechat.expire_token_on_next_download()
    assert fetcher.fetch({"channel": "wecom", "media_id": media_id}) == photo
    assert len(fake_wechat.calls_to("/cgi-bin/gettoken")) == 2
    assert len(fake_wechat.calls_to("/cgi-bin/media/get")) == 3


def test_expired_media_id_is_gone_not_retried(fake_wechat):
    """40007 (a media_id older than 3 days) means the file is gone."""
    with pytest.raises(MediaGone, match="40007"):
        fetcher_for(fake_wechat).fetch({"channel": "wecom", "media_id": "MEDIA_OLD"})


def test_media_uploaded_through_the_client_comes_back(fake_wechat):
    """wechatpy's own upload, then our download: the media API round trip."""
    config = SimpleNamespace(
        channels=SimpleNamespace(
            wecom_api_base_url=fake_wechat.url,
            wechat_api_base_url=fake_wechat.url,
            http_timeout_seconds=3,
        )
    )
    client = build_wecom_client(config, SECRETS)
    photo = png()
    media_id = client.media.upload("image", ("p.png", photo, "image/png"))["media_id"]
    assert fetcher_for(fake_wechat).fetch({"channel": "wecom", "media_id": media_id}) == photo


def test_http_and_data_urls(fake_wechat):
    """A bridge's image URL and a data: URL give the same bytes; a 404 is gone."""
    photo = jpeg()
    fetcher = fetcher_for(fake_wechat)
    assert fetcher.fetch({"url": fake_wechat.serve_file("a.jpg", photo)}) == photo
    data_url = "data:image/jpeg;base64," + base64.b64encode(photo).decode()
    assert fetcher.fetch({"url": data_url}) == photo
    with pytest.raises(MediaGone):
        fetcher.fetch({"url": fake_wechat.root_url + "/bridge/files/missing.jpg"})


def test_http_download_stops_at_the_cap(fake_wechat):
    """More than max_bytes is refused without holding all of it."""
    fetcher = Fetcher({}, 3, 1000)
    url = fake_wechat.serve_file("big.jpg", jpeg(400, 400, (1, 2, 3)) + b"\0" * 5000)
    with pytest.raises(MediaRejected, match="too large"):
        fetcher.fetch({"url": url})


def test_checks_type_by_magic_bytes_and_dimensions():
    """A JPEG passes whatever it is called; text, truncated images and icons are refused."""
    assert check_image(jpeg(64, 48), SETTINGS).content_type == "image/jpeg"
    assert (check_image(png(), SETTINGS).width, check_image(png(), SETTINGS).height) == (32, 32)
    for bad, reason in [
        (b"<html>not an image</html>", "not a JPEG"),
        (jpeg()[:40], "unreadable"),
        (jpeg(8, 8), "too small"),
    ]:
        with pytest.raises(MediaRejected, match=reason):
            check_image(bad, SETTINGS)
    with pytest.raises(MediaRejected, match="too many pixels"):
        check_image(png(200, 200), MediaSettings(max_pixels=100))
    assert check_voice(b"#!AMR\n" + b"\0" * 10, SETTINGS).content_type == "audio/amr"


def test_data_url_must_be_base64():
    """A data: URL that is not base64 is refused, not guessed."""
    with pytest.raises(MediaRejected):
        decode_data_url("data:image/jpeg,rawbytes", 100)
    with pytest.raises(MediaRejected):
        decode_data_url("data:image/jpeg;base64,@@@", 100)


def test_folder_store_keeps_one_copy_by_hash(tmp_path):
    """The same bytes twice: one file, named by their SHA-256; unknown names are None."""
    store = FolderStore(tmp_path)
    photo = jpeg()
    assert store.put(photo, "image/jpeg") == store.put(photo, "image/jpeg") == digest(photo)
    assert len(list(tmp_path.rglob("*"))) == 2  # one folder, one file
    assert store.get(digest(photo)) == photo
    assert store.get("../../etc/passwd") is None
    assert store.get("0" * 64) is None
