"""The builder's service layer: projects, runs, previews, exports and "sell this"."""
