"""The catalog: listings and versions, their files and archives, browse, reviews, reputation."""
