"""Persistence: models, engine and unit of work, repositories (which flush, never commit), migrations."""
