"""Every write of ambulance dispatch, by entity: cars, teams, calls, intake keys."""
