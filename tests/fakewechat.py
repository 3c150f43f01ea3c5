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
        self.media: dict[str, tuple[bytes, str]] = {}  # media_id -> (bytes, content type)
        self.files: dict[str, tuple[bytes, str]] = {}  # files the bridge serves by URL
        self._expire_on_download = 0
        self.robot_clock = time.time  # seconds; tests share their clock with our limiter
        self.robot_keys: set[str] = set()
        self.robot_messages: dict[str, list[dict]] = {}  # key -> accepted messages, in order
        self._robot_sent: dict[str, list[float]] = {}
        self._robot_failures: list[int] = []
        self.responses: dict[str, list[dict]] = {}  # aibot response_code -> bodies accepted
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

    def add_media(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Hold a file as WeChat holds an uploaded or received one; returns its media_id."""
        media_id = f"MEDIA_{next(self._counter)}"
        with self._lock:
            self.media[media_id] = (data, content_type)
        return media_id

    def expire_token_on_next_download(self, n: int = 1) -> None:
        """The next `n` media downloads find the token expired (42001), as after 7200 s."""
        with self._lock:
            self._expire_on_download += n

    def add_robot(self, key: str) -> str:
        """A group robot webhook key; returns its full webhook URL."""
        self.robot_keys.add(key)
        return f"{self.url}webhook/send?key={key}"

    def serve_file(self, name: str, data: bytes, content_type: str = "image/jpeg") -> str:
        """A file the group-chat bridge serves over http; returns its URL."""
        with self._lock:
            self.files[name] = (data, content_type)
        return f"{self.root_url}/bridge/files/{name}"

    def fail_next_robot(self, n: int = 1, errcode: int = 45009) -> None:
        """The next `n` robot posts answer `errcode` (45009: over the robot's frequency limit)."""
        with self._lock:
            self._robot_failures.extend([errcode] * n)

    def response_url(self, code: str) -> str:
        """A 智能机器人 response_url; usable once, as WeCom's is."""
        self.responses.setdefault(code, [])
        return f"{self.url}aibot/response?response_code={code}"

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

    def _media_get(self):
        with self._lock:
            if request.args.get("access_token") in self.tokens and self._expire_on_download:
                self._expire_on_download -= 1
                self.tokens.clear()
                return jsonify({"errcode": 42001, "errmsg": "access_token expired"})
        if request.args.get("access_token") not in self.tokens:
            return jsonify(INVALID_TOKEN)
        found = self.media.get(request.args.get("media_id", ""))
        if found is None:  # unknown or older than 3 days
            return jsonify({"errcode": 40007, "errmsg": "invalid media_id"})
        data, content_type = found
        return data, 200, {"Content-Type": content_type}

    def _bridge_file(self, name: str):
        found = self.files.get(name)
        if found is None:
            return jsonify({"error": "not found"}), 404
        return found[0], 200, {"Content-Type": found[1]}

    def _media_upload(self):
        if request.args.get("access_token") not in self.tokens:
            return jsonify(INVALID_TOKEN)
        upload = request.files["media"]
        media_id = self.add_media(upload.read(), upload.mimetype or "application/octet-stream")
        return jsonify({**OK, "type": request.args.get("type"), "media_id": media_id})

    def _robot_send(self):
        key = request.args.get("key", "")
        if key not in self.robot_keys:
            return jsonify({"errcode": 93000, "errmsg": "invalid webhook url"})
        now = self.robot_clock()
        with self._lock:
            if self._robot_failures:
                return jsonify({"errcode": self._robot_failures.pop(0), "errmsg": "fake failure"})
            recent = [t for t in self._robot_sent.get(key, []) if t > now - 60]
            if len(recent) >= 20:  # WeCom: 20 messages a minute per robot
                self._robot_sent[key] = recent
                return jsonify({"errcode": 45009, "errmsg": "api freq out of limit"})
            self._robot_sent[key] = [*recent, now]
            self.robot_messages.setdefault(key, []).append(request.get_json(force=True))
        return jsonify(OK)

    def _aibot_response(self):
        code = request.args.get("response_code", "")
        with self._lock:
            if code not in self.responses or self.responses[code]:
                return jsonify({"errcode": 40029, "errmsg": "invalid response_code"})
            self.responses[code].append(request.get_json(force=True))
        return jsonify(OK)

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
            (
                "POST",
                "/cgi-bin/message/update_template_card",
                "update_card",
                lambda: self._send({"invaliduser": []}),
            ),
            ("POST", "/bridge/reply", "bridge_reply", lambda: jsonify(OK)),
            ("GET", "/cgi-bin/media/get", "media_get", self._media_get),
            ("POST", "/cgi-bin/media/upload", "media_upload", self._media_upload),
            ("POST", "/cgi-bin/webhook/send", "robot_send", self._robot_send),
            ("POST", "/cgi-bin/aibot/response", "aibot_response", self._aibot_response),
            ("GET", "/cgi-bin/user/getuserinfo", "wecom_oauth_user", self._oauth_user),
        ]
        for method, path, name, view in routes:
            app.add_url_rule(path, name, view, methods=[method])
        app.add_url_rule("/bridge/files/<name>", "bridge_file", self._bridge_file)
        return app


@pytest.fixture
def fake_wechat():
    """A started FakeWeChatServer, stopped after the test."""
    with FakeWeChatServer() as server:
        yield server


# --- The other direction: pushes signed and encrypted the way WeChat/WeCom send them ---

WECOM_AES_KEY = "XaEu1TLnlsKMFlCK4pBqRba12gK8ITN/2gdF6FuUWCw"  # test-only EncodingAESKey
WECHAT_AES_KEY = "RlkOASE/YPeKTpAceGlWFrnnP1d5F4TzBCBe6Pu3wWc"  # test-only EncodingAESKey
AIBOT_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"  # test-only EncodingAESKey

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
    "AIBOT_TOKEN": "aibotTestToken",
    "AIBOT_ENCODING_AES_KEY": AIBOT_AES_KEY,
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

    def card_click(self, userid: str, key: str, task_id: str, timestamp: int | None = None):
        """(query, body) of a template_card_event: `userid` pressed the button `key`."""
        ts = timestamp or int(time.time())
        xml = (
            f"<xml><ToUserName><![CDATA[{self.crypto.corp_id}]]></ToUserName>"
            f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
            "<MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[template_card_event]]></Event>"
            f"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{task_id}]]></TaskId>"
            "<CardType><![CDATA[button_interaction]]></CardType>"
            "<ResponseCode><![CDATA[rc-1]]></ResponseCode><AgentID>1000002</AgentID></xml>"
        )
        return self.push(xml, ts)


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


class AibotSender:
    """Builds 智能机器人 callback requests: JSON {"encrypt"}, ReceiveId "", msg_signature."""

    def __init__(self, env: dict = EDGE_ENV):
        import base64

        self.token = env["AIBOT_TOKEN"]
        self.prp = WeComPrpCrypto(base64.b64decode(env["AIBOT_ENCODING_AES_KEY"] + "="))

    def encrypt(self, plaintext: str) -> str:
        """The ciphertext WeCom would send for `plaintext`."""
        return to_text(self.prp.encrypt(plaintext, ""))

    def signed_query(self, encrypt: str, timestamp: str | None = None, nonce: str = "n3") -> dict:
        """msg_signature/timestamp/nonce over ciphertext `encrypt`."""
        timestamp = timestamp or str(int(time.time()))
        return {
            "msg_signature": sign(self.token, timestamp, nonce, encrypt),
            "timestamp": timestamp,
            "nonce": nonce,
        }

    def push(self, payload: dict | str, timestamp: str | None = None) -> tuple[dict, bytes]:
        """(query, body) of a callback carrying `payload`."""
        import json

        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        encrypted = self.encrypt(text)
        body = json.dumps({"encrypt": encrypted}).encode()
        return self.signed_query(encrypted, timestamp), body
