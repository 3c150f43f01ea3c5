"""Outbound WeChat/WeCom API clients pointed at a configurable base URL, and the sends we use."""

from __future__ import annotations

import logging

import requests
from wechatpy import WeChatClient as _OfficialAccountClient
from wechatpy.enterprise import WeChatClient as _WeComClient
from wechatpy.exceptions import WeChatClientException

log = logging.getLogger(__name__)


class RecipientRejected(WeChatClientException):
    """WeCom accepted the call but refused the recipient (not in the app's visible range)."""


class _TimeoutSession(requests.Session):
    """A requests session that never waits forever: wechatpy passes no timeout for tokens."""

    def __init__(self, timeout: float):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method, url, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, **kwargs)


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class WeComClient(_WeComClient):
    """wechatpy's WeCom client with a configurable API base URL and a timeout on every call."""

    def __init__(self, corp_id, secret, api_base_url, timeout, session=None):
        super().__init__(corp_id, secret, session=session, timeout=timeout)
        self.API_BASE_URL = _with_slash(api_base_url)  # instance attribute: read by _request
        self._http = _TimeoutSession(timeout)

    def fetch_access_token(self):
        """Fetch a token from `<base>gettoken` (wechatpy hard-codes the real host)."""
        return self._fetch_access_token(
            url=self.API_BASE_URL + "gettoken",
            params={"corpid": self.corp_id, "corpsecret": self.secret},
        )


class OfficialAccountClient(_OfficialAccountClient):
    """wechatpy's official-account client with a configurable base URL and timeouts."""

    def __init__(self, app_id, secret, api_base_url, timeout, session=None):
        super().__init__(app_id, secret, session=session, timeout=timeout)
        self.API_BASE_URL = _with_slash(api_base_url)
        self._http = _TimeoutSession(timeout)

    def fetch_access_token(self):
        """Fetch a token from `<base>token` (wechatpy hard-codes the real host)."""
        return self._fetch_access_token(
            url=self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


def build_wecom_client(config, secrets, storage=None) -> WeComClient | None:
    """A WeCom client from config and secrets, or None when corp id or secret is unset."""
    corp_id, secret = secrets.get("wecom_corp_id"), secrets.get("wecom_secret")
    if not (corp_id and secret):
        return None
    channels = config.channels
    return WeComClient(
        corp_id, secret, channels.wecom_api_base_url, channels.http_timeout_seconds, storage
    )


def build_wechat_client(config, secrets, storage=None) -> OfficialAccountClient | None:
    """An official-account client from config and secrets, or None when app id/secret is unset."""
    app_id, secret = secrets.get("wechat_app_id"), secrets.get("wechat_app_secret")
    if not (app_id and secret):
        return None
    channels = config.channels
    return OfficialAccountClient(
        app_id, secret, channels.wechat_api_base_url, channels.http_timeout_seconds, storage
    )


def _check_recipients(client, result: dict, userid: str) -> dict:
    """Raise RecipientRejected when WeCom lists the user as invalid (retrying will not help)."""
    if result.get("invaliduser"):
        log.warning("WeCom refused recipient %s: %s", userid, result.get("invaliduser"))
        raise RecipientRejected(0, f"invaliduser: {result['invaliduser']}", client=client)
    return result


# The recipient is outside the app's visible range, or unknown: retrying will not help.
RECIPIENT_ERRCODES = {81013, 60111, 82001}


def _rejecting(send, client, userid: str) -> dict:
    """Run `send`; the recipient errors of WeCom become RecipientRejected."""
    try:
        result = send()
    except WeChatClientException as exc:
        if exc.errcode in RECIPIENT_ERRCODES:
            log.warning("WeCom refused recipient %s: %s %s", userid, exc.errcode, exc.errmsg)
            raise RecipientRejected(exc.errcode, exc.errmsg, client=client) from None
        raise
    return _check_recipients(client, result, userid)


def send_officer_template_card(client, agent_id, userid: str, card: dict) -> dict:
    """Send a WeCom template card (按钮交互型) to one officer."""
    msg = {"msgtype": "template_card", "template_card": card}
    return _rejecting(lambda: client.message.send(int(agent_id), userid, msg=msg), client, userid)


def update_template_card(client, agent_id, userid: str, response_code: str, button: str) -> dict:
    """Replace a clicked card's buttons with one disabled `button` text (WeCom 更新模版卡片)."""
    data = {
        "userids": [userid],
        "agentid": int(agent_id),
        "response_code": response_code,
        "button": {"replace_name": button},
    }
    return client.post("message/update_template_card", data=data)


def send_officer_news(client, agent_id, userid: str, article: dict) -> dict:
    """Send a WeCom news message (one article with a picture) to one officer."""
    return _rejecting(
        lambda: client.message.send_articles(int(agent_id), userid, [article]), client, userid
    )


def send_officer_card(
    client, agent_id, userid: str, title: str, description: str, url: str
) -> dict:
    """Send a WeCom text card to one officer; raises WeChatClientException on API errors."""
    return _rejecting(
        lambda: client.message.send_text_card(int(agent_id), userid, title, description, url),
        client,
        userid,
    )


def send_officer_text(client, agent_id, userid: str, text: str) -> dict:
    """Send a WeCom text message to one officer; raises WeChatClientException on API errors."""
    return _rejecting(lambda: client.message.send_text(int(agent_id), userid, text), client, userid)


def send_resident_text(client, openid: str, text: str) -> dict:
    """Send a customer-service text to a resident; raises WeChatClientException on API errors."""
    return client.message.send_text(openid, text)
