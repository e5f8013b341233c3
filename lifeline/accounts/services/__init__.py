"""Every write of the accounts app, split by subdomain; import from the submodules."""
