"""Alembic migrations for versus: static, reversible, and the same for SQLite and PostgreSQL."""
