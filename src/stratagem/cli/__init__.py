"""The ``stratagem`` command line (click + rich)."""
