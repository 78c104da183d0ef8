"""Accounts: sign-up and sessions, profiles, notifications and emails."""
