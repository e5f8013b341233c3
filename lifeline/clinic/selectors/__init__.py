"""Scoped reads of the clinic, one module per entity: `patients` (and care teams),
`assessments` (and evaluations), `registration` (legal documents, invitations),
`conclusions`, `catalogue` (and articles), `protocols` (and schedules), `analytics`.
Import from the submodule."""
