"""Operations: health and readiness probes, metrics, structured logging, request context.

Owns how the platform is observed and run; no business data.
"""
