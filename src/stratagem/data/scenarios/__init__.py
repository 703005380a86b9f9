"""Embedded scenarios (YAML), loaded by :mod:`stratagem.catalog`."""
