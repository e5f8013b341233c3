"""Prometheus metrics of the messenger (no labels carrying ids or text)."""

from prometheus_client import Counter

MESSAGES_SENT = Counter("lifeline_chat_messages_sent_total", "Chat messages sent.", ["kind"])
MESSAGES_REJECTED = Counter(
    "lifeline_chat_messages_rejected_total", "Chat sends refused.", ["code"]
)
OFFLINE_NOTIFICATIONS = Counter(
    "lifeline_chat_offline_notifications_total", "notify() calls for offline recipients."
)
