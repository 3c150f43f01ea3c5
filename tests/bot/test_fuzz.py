"""Property-based: no input, however hostile, gets a 5xx; a refused one stores nothing.

Bridge bodies and WeCom/WeChat plaintexts are mutations of valid ones, signed (and encrypted)
properly, so they reach validation; the JSON API is driven by schemathesis from
bot/openapi.yaml, positive and negative cases, with a valid token. Example counts are modest
(the suite runs twice in CI); bench/fuzz.py runs more and prints the figures.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from bot.openapi import openapi_document
from tests import fuzzing
from tests.conftest import TEST_SECRETS
from tests.fakewechat import EDGE_ENV, WeChatSender, WeComSender

SECRET = TEST_SECRETS["BRIDGE_SECRET"]
AUTH = {"Authorization": f"Bearer {TEST_SECRETS['API_TOKEN']}"}
# FUZZ_EXAMPLES_SCALE scales every count (bench/fuzz.py sets it); the suite keeps them modest.
SCALE = float(os.environ.get("FUZZ_EXAMPLES_SCALE", "1"))
FUZZ = settings(
    max_examples=int(60 * SCALE),
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),  # reproducible in the suite
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TALLY = fuzzing.Tally()


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print("\nfuzz figures:\n" + "\n".join(TALLY.lines()))


@pytest.fixture
def edge_client(make_edge_app):
    return make_edge_app(dict(EDGE_ENV)).test_client()


@FUZZ
@given(case=fuzzing.bridge_mutation())
def test_bridge_mutations_never_5xx_and_refusals_store_nothing(client, stored, case):
    raw, kind = case
    before = stored.count
    resp = fuzzing.post_bridge(client, raw, SECRET)
    TALLY.add(f"POST /api/messages ({kind})", resp.status_code)
    assert resp.status_code in (200, 400, 413), (resp.status_code, raw[:300])
    if resp.status_code != 200:
        assert stored.count == before
    else:
        assert resp.get_json()["accepted"] is True


@FUZZ
@given(case=fuzzing.plaintext_mutation("wecom_text.xml"))
def test_wecom_plaintext_mutations_never_5xx(edge_client, stored, case):
    xml, kind = case
    before = stored.count
    query, body = WeComSender().push(xml)
    resp = edge_client.post("/wecom/callback", query_string=query, data=body)
    TALLY.add(f"POST /wecom/callback ({kind})", resp.status_code)
    assert resp.status_code in (200, 400), (resp.status_code, xml)
    if resp.status_code != 200:
        assert stored.count == before


@FUZZ
@given(case=fuzzing.plaintext_mutation("wechat_text.xml"))
def test_wechat_plaintext_mutations_never_5xx(edge_client, stored, case):
    xml, kind = case
    before = stored.count
    query, body = WeChatSender().safe_push(xml)
    resp = edge_client.post("/wechat/callback", query_string=query, data=body)
    TALLY.add(f"POST /wechat/callback ({kind})", resp.status_code)
    assert resp.status_code in (200, 400), (resp.status_code, xml)
    if resp.status_code != 200:
        assert stored.count == before


# -- the JSON API, from its OpenAPI document ------------------------------------------------------
SCHEMA = schemathesis.openapi.from_dict(openapi_document())
OPERATIONS = {
    f"{op.method.upper()} {op.path}": op
    for op in (result.ok() for result in SCHEMA.get_all_operations())
}


def send(client, case, label: str):
    """The case through Flask's test client; bridge bodies are signed over the exact bytes."""
    kwargs = case.as_transport_kwargs(base_url="http://localhost")
    path = kwargs["url"].removeprefix("http://localhost")
    headers = {**(kwargs.get("headers") or {}), **AUTH}
    if "json" in kwargs:
        data = json.dumps(kwargs["json"], allow_nan=True).encode("utf-8", "surrogatepass")
        headers.setdefault("Content-Type", "application/json")
    else:
        data = kwargs.get("data")
    if label == "POST /api/messages":
        headers.update(fuzzing.signed_headers(SECRET, data or b""))
    return client.open(
        path,
        method=kwargs["method"],
        query_string=kwargs.get("params"),
        headers={k: str(v) for k, v in headers.items()},
        data=data,
    )


CASES = [
    (label, mode)
    for label in sorted(OPERATIONS)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (label == "GET /api/openapi.json" and mode == GenerationMode.NEGATIVE)  # no inputs
]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_api_operations_never_5xx(client, store, label, mode):
    strategy = OPERATIONS[label].as_strategy(generation_mode=mode)

    @settings(FUZZ, max_examples=int(25 * SCALE))
    @given(case=strategy)
    def run(case):
        resp = send(client, case, label)
        TALLY.add(f"{label} ({mode.value})", resp.status_code)
        assert resp.status_code < 500, (resp.status_code, case.as_curl_command())

    run()


def test_generated_inputs_reach_validation():
    """The fuzzing is not all bounced at the door: some inputs got through, some were refused."""
    bridge = {code for t, c in TALLY.codes.items() if "messages (" in t for code in c}
    assert not bridge or {200, 400} <= bridge
    assert TALLY.server_errors() == 0
