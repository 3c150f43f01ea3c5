"""The bridge contract's `image` and `location` fields: kept on the message, or a clear 400."""

from __future__ import annotations

import pytest


def test_image_and_location_are_kept(post_message, stored):
    """Both land in the message's extras; an image without text is an image message."""
    loc = {"lat": 36.3071, "lng": 120.4236, "label": "8号楼"}
    assert post_message(text="", image="https://bridge.local/p/1.jpg").status_code == 200
    assert post_message(msg_id="m-2", text="", location=loc).status_code == 200
    first, second = stored.messages[("bridge", "m-1")], stored.messages[("bridge", "m-2")]
    assert (first.kind, first.extra["image"]) == ("image", "https://bridge.local/p/1.jpg")
    assert (second.kind, second.extra["location"]) == ("location", loc)


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"image": "file:///etc/passwd"}, "image"),
        ({"image": "data:text/html;base64,PGgxPg=="}, "image"),
        ({"location": {"lat": 136, "lng": 120}}, "location.lat"),
        ({"location": {"lat": 36.3}}, "location.lng"),
        ({"location": "8号楼"}, "location"),
    ],
)
def test_bad_image_or_location_is_400_naming_the_field(post_message, stored, fields, where):
    """Not an http(s)/data:image URL, or a location without numbers: 400, nothing stored."""
    resp = post_message(**fields)
    assert resp.status_code == 400
    assert any(f.startswith(where) for f in resp.get_json()["fields"])
    assert stored.count == 0
