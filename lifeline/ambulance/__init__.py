"""Ambulance dispatch (seed 003): cars, crews (teams), calls by criticality and their life.

Owns the station's fleet, teams, calls, their transitions and the dispatch/crew screens.
Must not own people (accounts), roles (access) or SOS events (sos hands them over by id).
"""
