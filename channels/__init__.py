"""The channels' outbound side: WeChat/WeCom API clients, the bridge reply, and the senders that
deliver outbox rows through them. Used by worker processes; the web edge only signs with it.
"""
