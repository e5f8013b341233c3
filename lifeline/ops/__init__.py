"""Operations: health and readiness probes, metrics, structured logging, request context.

Owns how the platform is observed and run; must not own business data or import an app above
`core` (every layer may report to it).
"""
