"""Accounts: users, API tokens and the login throttle."""
