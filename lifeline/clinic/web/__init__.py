"""The clinic's web pages (server-rendered, under /clinic/): thin views that parse POSTs with
`forms`, read through the selectors and write through the services; no ORM and no business
rules here."""
