"""Vendor adapters: each turns one rendered message into one provider call.

Every adapter raises RecoverableError, PermanentError or StaleDevice, and returns a
ProviderResult whose `response` is safe to store (truncated, no credentials).
"""
