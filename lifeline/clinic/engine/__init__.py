"""The clinical engine: instruments (FHIR Questionnaires), scoring and the rule set.

Pure functions over plain data; no database access. See docs/modules/clinic.md.
"""
