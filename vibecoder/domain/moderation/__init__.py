"""Moderation: listing reports (any user) and the admin desk (takedowns, suspensions, audit)."""
