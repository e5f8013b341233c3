"""Freelance marketplace: categories, gigs with three packages, orders and their deadlines.

Owns gigs, orders and their moderation; must not own accounts, roles, files or chat.
"""
