"""Every sentence the bot says to people, in one place (Simplified Chinese)."""

from __future__ import annotations

# To residents
TICKET_CREATED = "已受理，工单号 {no}，已派 {station} 值班队员处理"
TICKET_MERGED = "该问题已有邻居反映，已并入工单 {no}（共 {reporters} 人反映），我们会加快处理"
ASK_CONFIRM = '请问您是要反映{category}问题吗？回复"是"即可受理'
CONFIRM_DECLINED = "好的，已取消。如需反映问题，请直接描述问题和位置。"
ASK_COMMUNITY = "您好，请问您住在哪个小区？请直接回复小区名称，我们会记住，方便以后为您派单。"
COMMUNITY_REMEMBERED = "已记住您所在的小区：{community}。请直接描述您要反映的问题。"
STATUS_LINE = "工单 {no}（{category}）当前状态：{status}，{latest}"
STATUS_NOT_FOUND = "未找到工单 {no}，请核对工单号。"
STATUS_NONE = "暂未查到您反映的问题，如需反映请直接描述问题和位置。"
RESIDENT_ACCEPTED = "您反映的问题（工单 {no}）已有城管队员接单，正在处理。"
RESIDENT_RESOLVED = "您反映的问题（工单 {no}）已办结：{note}。请回复「满意」或「不满意」。"
RESIDENT_RETURNED = "您反映的问题（工单 {no}）经核实不属于城管职责（{reason}），建议联系{who}。"
RESIDENT_REOPENED = "收到，工单 {no} 已重新办理，我们会尽快处理。"
RESIDENT_THANKS = "感谢您的评价，工单 {no} 已结案。"

# To officers and leaders
URGENT_MARK = "【紧急】"
PUSH_TITLE = "{kind} {no}｜{category}{urgent}"
PUSH_BODY = (
    "{community} {place}\n{text}\n反映人：{reporter}（{reporters}人反映）\n"
    "请在 {deadline} 前接单；依据：{evidence}"
)
PUSH_NEW = "新工单"
PUSH_TRANSFERRED = "转派工单"
PUSH_ESCALATED = "【督办】升级工单"
PUSH_REOPENED = "重新办理"
REMIND_TEXT = "【催办】工单 {no} 尚未接单，请在 {deadline} 前回复「接单 {seq}」"
OVERDUE_TEXT = (
    "【督办】工单 {no}（{category}）已超过办结时限 {deadline}，当前：{status}，承办：{officer}"
)
MORE_REPORTERS = "工单 {no} 又有居民反映，共 {reporters} 人反映，请优先处理"

# Replies to officers' commands
ACCEPTED_OK = "已接单 {no}，请尽快到场处置"
ARRIVED_OK = "已记录到场 {no}"
RESOLVED_OK = "已办结 {no}：{note}。如有现场照片，请直接发送，将附在该工单上"
TRANSFERRED_OK = "已将 {no} 转派给 {name}"
RETURNED_OK = "已退回 {no}，已告知反映人"
ESCALATED_OK = "已将 {no} 升级至 {squadron}"
PHOTO_OK = "照片已附到工单 {no}"


# Photos, voice, locations, group robots, unreachable officers
PHOTO_ADDED = "居民补充了现场照片"
VOICE_KEPT = "居民发送了语音（未识别出文字），语音文件已保存在该消息上"
FIRST_PHOTO = "工单 {no} 现场照片（{source}）"
PHOTO_SOURCES = {"resident": "居民拍摄", "officer": "队员拍摄", "page": "页面上传"}
LOCATION_OUTSIDE = (
    "您发送的位置「{label}」不在本平台服务的小区范围内。"
    "如需反映问题，请告诉我们是哪个小区、具体什么位置。"
)
LOCATION_ADDED = "居民发送位置：{label}（{community}）"
FOLDED_ACKS = "以下问题已有邻居反映并已合并处理（共 {n} 条）：\n{lines}"
OFFICER_UNREACHABLE = (
    "【通知】队员 {name}（{userid}）不在企业微信应用的可见范围内，收不到工单推送，"
    "请在管理后台把其加入应用可见范围。{detail}"
)
UNREACHABLE_MOVED = "工单 {no} 已改派。"
UNREACHABLE_NOTE = "推送失败：不在应用可见范围"
UNREACHABLE_TRANSFER = "{name} 收不到推送，改派 {other}"
UNREACHABLE_ESCALATE = "{name} 收不到推送，升级中队督办"


def fmt(template: str, **values: object) -> str:
    """Fill a template; kept as a function so callers never build user text by hand."""
    return template.format(**values)
