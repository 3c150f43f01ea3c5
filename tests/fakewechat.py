"""A fake WeChat/WeCom API server over real HTTP, for client and notifier tests."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
import xmltodict
from flask import Flask, jsonify, request
from wechatpy.crypto import WeChatCrypto as OfficialCrypto
from wechatpy.enterprise.crypto import PrpCrypto as WeComPrpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto
from wechatpy.utils import WeChatSigner, to_text
from werkzeug.serving import make_server

OK = {"errcode": 0, "errmsg": "ok"}
INVALID_TOKEN = {"errcode": 40014, "errmsg": "invalid access_token"}
MISSING_CREDENTIALS = {"errcode": 40013, "errmsg": "invalid appid or corpid"}


class FakeWeChatServer:
    """WeCom + official-account endpoints on 127.0.0.1:<random port>, recording every call."""

    def __init__(self):
        self.calls: list[tuple[str, dict, dict | None]] = []
        self.call_times: list[float] = []  # time.monotonic() of each call, same order
        self.tokens: set[str] = set()
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._server = None
        self._thread = None
        self.app = self._build_app()

    @property
    def root_url(self) -> str:
        """http://127.0.0.1:PORT (no trailing slash)."""
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def url(self) -> str:
        """The API base URL to configure: http://127.0.0.1:PORT/cgi-bin/."""
        return self.root_url + "/cgi-bin/"

    @property
    def bridge_reply_url(self) -> str:
        """Where the group-chat bridge posts replies."""
        return self.root_url + "/bridge/reply"

    def start(self) -> FakeWeChatServer:
        """Bind a free port and serve in a daemon thread."""
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        # A short poll interval keeps shutdown (and so each test's teardown) fast.
        serve = lambda: self._server.serve_forever(poll_interval=0.02)  # noqa: E731
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> FakeWeChatServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def fail_next(self, n: int = 1, errcode: int = -1) -> None:
        """Make the next `n` message sends answer with WeChat error `errcode` (-1: system busy)."""
        with self._lock:
            self._failures.extend([errcode] * n)

    def revoke_tokens(self) -> None:
        """Forget every issued token, as WeChat does when a token expires early."""
        with self._lock:
            self.tokens.clear()

    def calls_to(self, path: str) -> list[tuple[str, dict, dict | None]]:
        """The recorded calls whose path ends with `path`."""
        return [call for call in self.calls if call[0].endswith(path)]

    def timed_calls_to(self, path: str) -> list[tuple[float, dict | None]]:
        """(monotonic time, body) of the recorded calls whose path ends with `path`."""
        with self._lock:
            pairs = list(zip(self.call_times, self.calls, strict=True))
        return [(at, call[2]) for at, call in pairs if call[0].endswith(path)]

    def _record(self) -> None:
        # wechatpy posts JSON without a JSON content type: parse regardless.
        body = request.get_json(force=True, silent=True) if request.method == "POST" else None
        with self._lock:
            self.calls.append((request.path, request.args.to_dict(), body))
            self.call_times.append(time.monotonic())

    def _issue_token(self, *credentials: str):
        if not all(credentials):
            return jsonify(MISSING_CREDENTIALS)
        token = f"fake-token-{next(self._counter)}"
        with self._lock:
            self.tokens.add(token)
        return jsonify({"errcode": 0, "access_token": token, "expires_in": 7200})

    def _send(self, extra: dict):
        if request.args.get("access_token") not in self.tokens:
            return jsonify(INVALID_TOKEN)
        with self._lock:
            errcode = self._failures.pop(0) if self._failures else None
        if errcode is not None:
            return jsonify({"errcode": errcode, "errmsg": "fake failure"})
        return jsonify({**OK, **extra})

    def _oauth_user(self):
        # 网页授权: the code "code-<userid>" stands for that member; anything else is refused.
        if request.args.get("access_token") not in self.tokens:
            return jsonify(INVALID_TOKEN)
        code = request.args.get("code", "")
        if not code.startswith("code-"):
            return jsonify({"errcode": 40029, "errmsg": "invalid code"})
        return jsonify({**OK, "UserId": code.removeprefix("code-")})

    def _wecom_token(self):
        return self._issue_token(request.args.get("corpid", ""), request.args.get("corpsecret", ""))

    def _wechat_token(self):
        return self._issue_token(request.args.get("appid", ""), request.args.get("secret", ""))

    def _build_app(self) -> Flask:
        app = Flask("fakewechat")
        app.before_request(self._record)
        routes = [
            ("GET", "/cgi-bin/gettoken", "wecom_token", self._wecom_token),
            ("GET", "/cgi-bin/token", "wechat_token", self._wechat_token),
            (
                "POST",
                "/cgi-bin/message/send",
                "wecom_send",
                lambda: self._send({"invaliduser": ""}),
            ),
            ("POST", "/cgi-bin/message/custom/send", "wechat_send", lambda: self._send({})),
            ("POST", "/bridge/reply", "bridge_reply", lambda: jsonify(OK)),
            ("GET", "/cgi-bin/user/getuserinfo", "wecom_oauth_user", self._oauth_user),
        ]
        for method, path, name, view in routes:
            app.add_url_rule(path, name, view, methods=[method])
        return app


@pytest.fixture
def fake_wechat():
    """A started FakeWeChatServer, stopped after the test."""
    with FakeWeChatServer() as server:
        yield server


# --- The other direction: pushes signed and encrypted the way WeChat/WeCom send them ---

WECOM_AES_KEY = "XaEu1TLnlsKMFlCK4pBqRba12gK8ITN/2gdF6FuUWCw"  # test-only EncodingAESKey
WECHAT_AES_KEY = "RlkOASE/YPeKTpAceGlWFrnnP1d5F4TzBCBe6Pu3wWc"  # test-only EncodingAESKey

EDGE_ENV = {
    "WECOM_CORP_ID": "ww1d2c3b4a5f6e7d8c",
    "WECOM_SECRET": "wecom-test-secret",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_TOKEN": "wecomTestToken",
    "WECOM_ENCODING_AES_KEY": WECOM_AES_KEY,
    "WECHAT_APP_ID": "wx0a1b2c3d4e5f6a7b",
    "WECHAT_APP_SECRET": "wechat-test-secret",
    "WECHAT_TOKEN": "wechatTestToken",
    "WECHAT_ENCODING_AES_KEY": WECHAT_AES_KEY,
}


def sign(*parts: str) -> str:
    """The WeChat SHA-1 signature of `parts` (token included by the caller)."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def envelope(encrypt: str) -> str:
    """The outer XML of an encrypted push."""
    return f"<xml><ToUserName>x</ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"


class WeComSender:
    """Builds WeCom callback requests (query args + body) from plain XML."""

    def __init__(self, env: dict = EDGE_ENV):
        self.token = env["WECOM_TOKEN"]
        self.crypto = WeComCrypto(self.token, env["WECOM_ENCODING_AES_KEY"], env["WECOM_CORP_ID"])

    def verify_query(self, echo: str, timestamp: int | None = None) -> dict:
        """Query args of a URL verification whose decrypted echostr is `echo`."""
        timestamp = str(timestamp or int(time.time()))
        encrypted = to_text(WeComPrpCrypto(self.crypto.key).encrypt(echo, self.crypto.corp_id))
        return self.signed_query(encrypted, timestamp) | {"echostr": encrypted}

    def signed_query(self, encrypt: str, timestamp: str | None = None, nonce: str = "n1") -> dict:
        """msg_signature/timestamp/nonce over ciphertext `encrypt`."""
        timestamp = timestamp or str(int(time.time()))
        signature = sign(self.token, timestamp, nonce, encrypt)
        return {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}

    def push(self, xml: str, timestamp: int | None = None) -> tuple[dict, str]:
        """(query, body) of an encrypted push of `xml`."""
        timestamp = str(timestamp or int(time.time()))
        body = self.crypto.encrypt_message(xml, "n1", timestamp)
        encrypted = xmltodict.parse(body)["xml"]["Encrypt"]
        return self.signed_query(encrypted, timestamp), body


class WeChatSender:
    """Builds official-account callback requests in plain and safe mode."""

    def __init__(self, env: dict = EDGE_ENV):
        self.token = env["WECHAT_TOKEN"]
        key = env.get("WECHAT_ENCODING_AES_KEY") or WECHAT_AES_KEY
        self.crypto = OfficialCrypto(self.token, key, env["WECHAT_APP_ID"])

    def plain_query(self, timestamp: int | None = None, nonce: str = "n2") -> dict:
        """signature/timestamp/nonce of a plain-mode request."""
        timestamp = str(timestamp or int(time.time()))
        signature = sign(self.token, timestamp, nonce)
        return {"signature": signature, "timestamp": timestamp, "nonce": nonce}

    def safe_push(self, xml: str, timestamp: int | None = None) -> tuple[dict, str]:
        """(query, body) of a safe-mode push of `xml`."""
        query = self.plain_query(timestamp)
        body = self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"])
        encrypted = xmltodict.parse(body)["xml"]["Encrypt"]
        signature = sign(self.token, query["timestamp"], query["nonce"], encrypted)
        return query | {"encrypt_type": "aes", "msg_signature": signature}, body
