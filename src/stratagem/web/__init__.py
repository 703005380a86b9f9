"""The web dashboard (optional extra: pip install 'stratagem[dashboard]')."""
