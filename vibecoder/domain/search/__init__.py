"""Search: embeddings, the search index and hybrid ranking."""
