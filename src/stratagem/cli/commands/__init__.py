"""The commands of ``stratagem``, by theme; :mod:`stratagem.cli.main` puts them together."""
