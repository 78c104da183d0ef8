"""Seller and platform analytics: events, live updates, daily rollups, the seller dashboard."""
