"""Outbound services of the ambulance module (road routing through a self-hosted OSRM)."""
