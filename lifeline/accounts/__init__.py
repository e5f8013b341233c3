"""Identity: users, login (password, 2FA, JWT), password policy, verification, login history.

Owns who a person is and how they prove it; what they may do lives in `access`.
"""
