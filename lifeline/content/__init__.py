"""Community channels: channels with member roles, posts of sanitised rich text, threaded
comments, likes, flags and their moderation queue. It owns no accounts or organizations
(accounts/access) and no notification delivery (notifications)."""
