"""Identity: users, login (password, 2FA, JWT), sessions, password policy, verification.

Owns who a person is and how they prove it; must not own what they may do (`access`, asked
through the lookups it registers in `accounts.roles`) or know about sockets (`signals`).
"""
