"""Writes of the clinic, one module per entity: `patients` (and care teams), `registration`,
`assessments`, `labels` (label decisions on evaluations), `clinical` (the input dictionary),
`conclusions`, `catalogue` (and articles), `protocols` (and schedules and reminders),
`notifications`. Import from the submodule."""
