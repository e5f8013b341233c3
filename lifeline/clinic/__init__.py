"""The pain clinic: patients and care teams, assessments and the clinical engine, conclusions,
the catalogue and articles, protocols and schedules, analytics and exports.
It must not own identity, memberships, messaging, files or notifications: it uses them."""
