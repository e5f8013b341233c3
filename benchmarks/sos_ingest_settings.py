"""Production settings for benchmarks/sos_ingest.py: the ingest mode and throttle from the env."""

import os

from config.settings import *  # noqa: F403

# true: the Redis buffer drained by the worker; false: an INSERT per request (the baseline).
SOS_INGEST_BUFFER = os.environ.get("SOS_INGEST_BUFFER", "true") == "true"
# 200 simulated devices stand for a large fleet: each sends far more than one report per 10 s.
# The throttle still runs (one Redis round trip per request) but never answers 429.
SOS_DEVICE_THROTTLE_RATE = "100000000/min"
