"""Scoped reads of the clinic, one module per entity: `patients` (and care teams),
`assessments` (and evaluations), `conclusions`, `catalogue` (and articles), `protocols` (and
schedules), `analytics`. Import from the submodule."""
