"""Machinery behind `make up` / `make test` (infra checks, databases, process stack, tools)."""
