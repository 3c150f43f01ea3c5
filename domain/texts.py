"""Every sentence the bot says to people, in one place (Simplified Chinese)."""

from __future__ import annotations

TICKET_CREATED = "已受理，工单号 {no}，已派 {station} 值班队员处理"
TICKET_MERGED = "该问题已有邻居反映，工单号 {no}，已合并处理，感谢您的反映"
ASK_COMMUNITY = "您好，请问您住在哪个小区？请直接回复小区名称，我们会记住，方便以后为您派单。"
COMMUNITY_REMEMBERED = "已记住您所在的小区：{community}。请直接描述您要反映的问题。"
COMMUNITY_UNKNOWN = "抱歉，暂未找到该小区，请回复完整的小区名称。"
STATUS_LINE = "工单 {no}（{category}）当前状态：{status}，{latest}"
STATUS_NOT_FOUND = "未找到工单 {no}，请核对工单号。"
STATUS_NONE = "暂未查到您反映的问题，如需反映请直接描述问题和位置。"
PUSH_TITLE = "新工单 {no}｜{category}{urgent}"
PUSH_BODY = "{community} {place}\n{text}\n反映人：{reporter}\n请在 {accept_by} 前接单；依据：{evidence}"
URGENT_MARK = "【紧急】"


def fmt(template: str, **values: object) -> str:
    """Fill a template; kept as a function so callers never build user text by hand."""
    return template.format(**values)
