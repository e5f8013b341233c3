"""Production settings for benchmarks/sos_ingest.py. The ingest mode comes from
`SOS_INGEST_BUFFER`, which the script sets per case and config/settings.py reads."""

from config.settings import *  # noqa: F403

# 200 simulated devices stand for a large fleet: each sends far more than one report per 10 s.
# The throttle still runs (one Redis round trip per request) but never answers 429.
SOS_DEVICE_THROTTLE_RATE = "100000000/min"
