"""Field-service CRM (seed 002, lead-schem): service requests with a status table and money,
reference data, city scoping, Mango Office telephony (calls, missed-call callbacks).
It owns no users or organizations (accounts, access) and stores no files itself (files)."""
