"""Wearable SOS: devices, tracks, SOS events, helper rounds, escalation, emergency contacts.
Owns its devices, events, helpers' profiles and contacts; asks `access` for roles.
Must not own people, organizations or delivery; calls another domain only in `services/flows.py`.
"""
