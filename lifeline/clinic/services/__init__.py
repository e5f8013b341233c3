"""Writes of the clinic care part (patients, care teams, registration, assessments).

Split by area: `patients`, `registration`, `assessments`, `clinical` (the input
dictionary), `notifications`. The documents part keeps its own `documents_services.py`.
"""
