"""The photo store on a real S3-compatible server (SeaweedFS), through boto3 as in production."""

from __future__ import annotations

import hashlib

from app.compose import secrets_for
from channels.mediastore import S3Store, build_media_store
from domain.config import Config
from tests.media.images import jpeg
from tests.media.s3server import BUCKET, s3_server  # noqa: F401  (fixture)


def test_put_and_get_by_hash(s3_server):  # noqa: F811
    """Stored under media/<sha256>; the same bytes come back; unknown names are None."""
    store = S3Store(s3_server.client(), BUCKET)
    photo = jpeg()
    sha = store.put(photo, "image/jpeg")
    assert sha == hashlib.sha256(photo).hexdigest()
    assert store.get(sha) == photo
    assert store.put(photo, "image/jpeg") == sha  # stored once: same key, same bytes
    head = s3_server.client().head_object(Bucket=BUCKET, Key=f"media/{sha}")
    assert head["ContentType"] == "image/jpeg"
    assert store.get("0" * 64) is None
    assert store.get("../etc/passwd") is None


def test_config_with_s3_builds_the_s3_store(config, s3_server):  # noqa: F811
    """media.s3 in config.yaml and the keys from the environment make the S3 store."""
    data = config.model_dump(mode="json")
    data["media"]["s3"] = {"endpoint_url": s3_server.endpoint_url, "bucket": BUCKET}
    cfg = Config.from_mapping(data)
    env = {"S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test"}
    store = build_media_store(cfg, secrets_for(cfg, env))
    assert isinstance(store, S3Store)
    photo = jpeg(100, 100)
    assert store.get(store.put(photo, "image/jpeg")) == photo


def test_photo_through_the_loop_lands_in_the_bucket(
    test_config,
    store,
    queue,
    redis,
    classifier,
    clock,
    s3_server,  # noqa: F811
):
    """Web and worker configured for S3: the fetched photo is an object in the bucket and
    /media serves it from there, byte for byte."""
    import base64
    from datetime import UTC, datetime

    from app.compose import web_services, worker_runtime
    from bot import create_app
    from bot.message import IncomingMessage
    from tests.conftest import TEST_SECRETS
    from workers import runtime
    from workers.worker import make_worker

    data = test_config.model_dump(mode="json")
    data["media"]["s3"] = {"endpoint_url": s3_server.endpoint_url, "bucket": BUCKET}
    cfg = Config.from_mapping(data)
    secrets = secrets_for(
        cfg, {**TEST_SECRETS, "S3_ACCESS_KEY_ID": "t", "S3_SECRET_ACCESS_KEY": "t"}
    )
    services = web_services(cfg, secrets, store, queue)
    runtime.install(worker_runtime(cfg, secrets, store, queue, classifier, clock))
    try:
        photo = jpeg(120, 90)
        services.intake.accept(
            IncomingMessage(
                channel="bridge",
                msg_id="s3-1",
                sender_id="wxid_s3",
                sender_name="张三",
                text="8号楼后面消防通道被一辆白色越野车堵死了",
                sent_at=datetime.now(UTC),
                group_id="grp-longhu-youshanjun",
                extra={"image": "data:image/jpeg;base64," + base64.b64encode(photo).decode()},
            )
        )
        make_worker(redis).work(burst=True)
    finally:
        runtime.install(None)
    client = create_app(services).test_client()
    auth = {"Authorization": f"Bearer {TEST_SECRETS['API_TOKEN']}"}
    no = store.tickets(limit=1)[0].no
    (listed,) = client.get(f"/api/tickets/{no}", headers=auth).get_json()["photos"]
    key = f"media/{listed['sha256']}"
    assert s3_server.client().get_object(Bucket=BUCKET, Key=key)["Body"].read() == photo
    assert client.get(listed["url"], headers=auth).data == photo
